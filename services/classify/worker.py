"""The classify stage's Celery task (queue ``classify``).

Run with ``celery -A services.classify.worker worker -Q classify``. The classifier's
matcher is built once per worker process, on the first article.
"""

from __future__ import annotations

from typing import Any

from services.classify.classifier import classify
from services.common import contracts
from services.common.celery_app import ReliableTask, create_app, send_to_stage
from services.common.routing import TASK_CLASSIFY_ARTICLE, TASK_INDEX_ARTICLE

app = create_app("classify")


@app.task(name=TASK_CLASSIFY_ARTICLE, base=ReliableTask)
def classify_article(payload: dict[str, Any]) -> str:
    article = contracts.load(contracts.ArticleFetched, payload)
    labels = classify(article.text, title=article.title)
    message = contracts.ArticleClassified(article=article, labels=labels)
    send_to_stage(app, TASK_INDEX_ARTICLE, contracts.dump(message))
    return article.article_id
