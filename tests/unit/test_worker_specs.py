"""Each stage's worker is sized by its setting; CPU stages run as processes, I/O ones as threads."""

from __future__ import annotations

import os

from services.cli.workers import stage_spec, worker_specs
from services.common.settings import Settings


def _option(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1]


def test_every_stage_has_a_worker_on_its_own_queue() -> None:
    specs = {spec.name: spec.args for spec in worker_specs(Settings(), with_scheduler=False)}

    assert {name: _option(args, "-Q") for name, args in specs.items()} == {
        "ingest": "ingest", "extract": "extract", "classify": "classify",
        "index": "index", "alerts": "alerts",
    }
    assert _option(specs["extract"], "-P") == ("prefork" if len(os.sched_getaffinity(0)) > 1 else "solo")
    assert _option(specs["ingest"], "-P") == "threads"


def test_extraction_defaults_to_one_process_per_core_and_follows_its_setting() -> None:
    cores = len(os.sched_getaffinity(0))
    assert _option(stage_spec(Settings(), "extract").args, "-c") == str(cores)
    assert _option(stage_spec(Settings(extract_concurrency=3), "extract").args, "-c") == "3"


def test_two_workers_of_a_stage_get_distinct_node_names() -> None:
    settings = Settings()
    names = {_option(stage_spec(settings, "ingest", node).args, "-n") for node in ("a", "b")}
    assert names == {"a@%h", "b@%h"}


def test_a_cpu_stage_of_one_process_runs_in_the_worker_itself() -> None:
    args = stage_spec(Settings(classify_concurrency=1), "classify").args
    assert (_option(args, "-P"), _option(args, "-c")) == ("solo", "1")
