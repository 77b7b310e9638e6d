"""Small builders for messages used across tests."""

from __future__ import annotations

from datetime import UTC, datetime

from services.common.contracts import ArticleClassified, ArticleFetched, Labels, Pairing
from services.ingest.canonical_url import article_id


def classified(
    url: str = "https://news.example/gansu-kazakhstan.html",
    title: str = "Gansu and Kazakhstan deepen cooperation",
    text: str = "Gansu signed agreements with Kazakhstan on copper smelters and railways.",
    fetched_at: datetime | None = None,
    provinces: tuple[str, ...] = ("Gansu",),
    countries: tuple[str, ...] = ("KZ",),
    sectors: tuple[str, ...] = ("nonferrous-metals", "railways"),
) -> ArticleClassified:
    article = ArticleFetched(
        article_id=article_id(url),
        url=url,
        canonical_url=url,
        title=title,
        text=text,
        published=datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
        fetched_at=fetched_at or datetime.now(UTC),
    )
    pairings = [
        Pairing(province=p, country=c, sectors=list(sectors), evidence=text, start=0, end=len(text))
        for p in provinces for c in countries
    ]
    labels = Labels(
        relevant=True, relevance=0.9, provinces=list(provinces), countries=list(countries),
        sectors=list(sectors), pairings=pairings, classifier_version="test",
    )
    return ArticleClassified(article=article, labels=labels)
