"""A worker's /metrics endpoint: on the first free port of its stage's block of ten.

Fixed blocks keep ports predictable for a scrape configuration (the first ingest worker
of a host is always base+10, the second base+11, ...) while several workers of one stage
can share a host. A stage without a block here uses the last one (base+90..99); when a
block is full, the system picks a free port, and either way the port is written in the
worker's presence record, which `bri status` prints.
"""

from __future__ import annotations

import logging

from prometheus_client import start_http_server

from services.common.metrics import process_registry
from services.common.routing import (
    QUEUE_ALERTS,
    QUEUE_CLASSIFY,
    QUEUE_EXTRACT,
    QUEUE_INDEX,
    QUEUE_INGEST,
)

log = logging.getLogger(__name__)

PORTS_PER_STAGE = 10
STAGE_PORT_BLOCKS: dict[str, int] = {QUEUE_INGEST: 1, QUEUE_CLASSIFY: 2, QUEUE_INDEX: 3, QUEUE_ALERTS: 4,
                                     QUEUE_EXTRACT: 5}
OTHER_STAGES_BLOCK = 9


def candidate_ports(stage: str, base_port: int) -> list[int]:
    first = base_port + STAGE_PORT_BLOCKS.get(stage, OTHER_STAGES_BLOCK) * PORTS_PER_STAGE
    return [*range(first, first + PORTS_PER_STAGE), 0]


def serve_metrics(stage: str, base_port: int, host: str) -> int | None:
    """Start serving this process's (and its pool children's) metrics; the port, or None."""
    if base_port <= 0:
        return None
    registry = process_registry()
    for port in candidate_ports(stage, base_port):
        try:
            server, _ = start_http_server(port, addr=host, registry=registry)
        except OSError:
            continue
        bound = int(server.server_port)
        log.info("metrics of stage %s served on http://%s:%d/metrics", stage, host, bound)
        return bound
    log.warning("no port to serve the metrics of stage %s", stage)
    return None
