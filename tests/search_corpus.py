"""A small labelled corpus indexed into the test alias, for the API and web page tests."""

from __future__ import annotations

from datetime import UTC, datetime

from services.common.contracts import ArticleClassified
from services.index.bulk_writer import BulkWriter
from services.index.documents import document_version, to_document
from tests.builders import classified

XSS_TITLE = '<script>window.__xss = "title"</script>Gansu copper <b>deal</b>'
XSS_TEXT = ('Gansu and Kazakhstan agreed on copper mining. <img src=x onerror="window.__xss = '
            "'text'\"> The deal covers <script>window.__xss = 'text2'</script> two mines.")


def _article(slug: str, title: str, text: str, published: datetime, provinces: tuple[str, ...],
             countries: tuple[str, ...], sectors: tuple[str, ...],
             relevant: bool = True) -> ArticleClassified:
    message = classified(url=f"https://news.example/{slug}.html", title=title, text=text,
                         provinces=provinces, countries=countries, sectors=sectors)
    article = message.article.model_copy(update={"published": published})
    labels = message.labels.model_copy(update={"relevant": relevant})
    return message.model_copy(update={"article": article, "labels": labels})


def corpus() -> dict[str, ArticleClassified]:
    """Seven articles: five capacity-cooperation stories, one unrelated, one hostile."""
    return {
        "gansu-kz": _article(
            "gansu-kz", "Gansu and Kazakhstan open a copper smelter",
            "Gansu signed agreements with Kazakhstan on copper smelters and railways.",
            datetime(2026, 11, 2, 8, tzinfo=UTC), ("Gansu",), ("KZ",),
            ("nonferrous-metals", "railways")),
        "gansu-tj": _article(
            "gansu-tj", "Gansu power line reaches Tajikistan",
            "A Gansu company will build a power line and a coal mine in Tajikistan.",
            datetime(2026, 10, 15, 9, tzinfo=UTC), ("Gansu",), ("TJ",), ("energy", "mining")),
        "qinghai-tm": _article(
            "qinghai-tm", "Qinghai and Turkmenistan: water, power and textiles",
            "Qinghai agreed with Turkmenistan on irrigation, electricity and a cotton mill.",
            datetime(2026, 9, 20, 7, tzinfo=UTC), ("Qinghai",), ("TM",),
            ("water-resources", "electric-power", "textiles")),
        "jiangsu-kz": _article(
            "jiangsu-kz", "Lianyungang logistics base serves Kazakh rail freight",
            "The Jiangsu port of Lianyungang runs a logistics base for Kazakhstan's railways.",
            datetime(2026, 11, 10, 6, tzinfo=UTC), ("Jiangsu",), ("KZ",), ("logistics", "railways")),
        "xinjiang-kz-uz": _article(
            "xinjiang-kz-uz", "Xinjiang textile parks court Kazakhstan and Uzbekistan",
            "Xinjiang will host textile and farming projects with Kazakhstan and Uzbekistan.",
            datetime(2026, 8, 5, 10, tzinfo=UTC), ("Xinjiang",), ("KZ", "UZ"),
            ("textiles", "agriculture")),
        "football": _article(
            "football", "Local football results", "The home team won three to one on Sunday.",
            datetime(2026, 11, 3, 20, tzinfo=UTC), (), (), (), relevant=False),
        "hostile": _article(
            "hostile", XSS_TITLE, XSS_TEXT, datetime(2026, 7, 1, 12, tzinfo=UTC),
            ("Gansu",), ("KZ",), ("mining",)),
    }


def index_corpus(es, settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Index the corpus through the bulk writer; returns slug -> article id."""
    writer = BulkWriter(es, settings.index_alias)
    articles = corpus()
    for message in articles.values():
        writer.write(message.article.article_id, to_document(message), document_version(message), 30)
    es.indices.refresh(index=settings.index_alias)
    return {slug: message.article.article_id for slug, message in articles.items()}
