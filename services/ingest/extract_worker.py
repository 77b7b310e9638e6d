"""The ingest stage's CPU task (queue ``extract``): main text and metadata of fetched pages.

Run with ``celery -A services.ingest.extract_worker worker -Q extract`` (prefork, one
process per core by default): extraction parses whole HTML documents, and processes are
what spreads that over cores under Python's GIL.
"""

from __future__ import annotations

from typing import Any

from services.common import contracts
from services.common.celery_app import ReliableTask, create_app, send_to_stage
from services.common.routing import TASK_CLASSIFY_ARTICLE, TASK_EXTRACT_PAGE
from services.ingest.article_fetcher import extract_page as extract_article_page

app = create_app("extract")


@app.task(name=TASK_EXTRACT_PAGE, base=ReliableTask)
def extract_page(payload: dict[str, Any]) -> str:
    page = contracts.load(contracts.PageFetched, payload)
    fetched = extract_article_page(page)
    send_to_stage(app, TASK_CLASSIFY_ARTICLE, contracts.dump(fetched))
    return fetched.article_id
