"""GET /feeds: every watched feed's health, from the registry the ingest workers keep."""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from services.api.dependencies import FeedRegistryDep
from services.api.schemas import FeedsResponse
from services.ingest.feed_health import feed_health

router = APIRouter(tags=["feeds"])


@router.get("/feeds", response_model=FeedsResponse)
def list_feeds(
    registry: FeedRegistryDep,
    state: Annotated[Literal["active", "failing", "gone"] | None,
                     Query(description="only feeds in this state")] = None,
) -> dict[str, object]:
    """Per feed: state, last success, last error and why, consecutive failures, share of
    304s, entries per day and next poll."""
    now = time.time()
    feeds = [feed_health(f, now) for f in registry.all()]
    states = {name: sum(1 for f in feeds if f.state == name)
              for name in ("active", "failing", "gone")}
    shown = [asdict(f) for f in feeds if state is None or f.state == state]
    return {"total": len(shown), "states": states, "feeds": shown}
