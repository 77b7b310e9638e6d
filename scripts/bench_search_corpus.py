"""Generated articles for the search benchmark: news-like lengths and words, random labels.

Words follow a Zipf-like law over a vocabulary of common English, the capacity-cooperation
domain and a long tail of rare tokens, so term statistics resemble real news rather than
a handful of repeated words. Labels are drawn from the classifier's vocabulary, and the
province and country an article is labelled with are also named in its text, as in real
articles.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch, helpers

from services.common.contracts import ArticleClassified, ArticleFetched, Labels, Pairing
from services.common.settings import Settings
from services.index.documents import to_document
from services.index.schema import drop_index, ensure_index
from services.search.labels import vocabulary

_COMMON_WORDS = """the of and to in a is that for on with as by at from this be are was it an which
has have will its said were more been their also after new over into two other year than
first about between but not would up can one all three could during government officials
last most they million percent billion there who while per week since under local public
market development economic trade project projects company companies plan program support
growth region regional national international cooperation agreement agreements signed sign
investment investors capacity industrial industry production construction build built
including major according ministry minister president deal deals zone zones park parks
belt road initiative bri partners partnership joint venture ventures export exports import
imports supply chain chains plant plants factory factories line lines port ports"""

_DOMAIN_WORDS = """copper smelter smelting aluminium aluminum zinc nickel lithium steel rebar cement
glass railway railways rail freight locomotive locomotives wagon track tracks power grid
transmission hydropower solar wind turbine turbines coal gas pipeline pipelines oil refinery
petrochemical fertiliser fertilizer textile textiles cotton garment yarn automotive vehicle
vehicles car cars truck trucks battery batteries telecom fibre fiber 5g network excavator
excavators crane cranes machinery aerospace satellite aircraft shipyard shipbuilding vessel
vessels agriculture wheat grain irrigation farm farming mining mine mines ore iron gold
water reservoir dam logistics warehouse corridor container containers terminal hub
kilowatt megawatt tonnes capacity expansion output mill mills hub center centre"""
COMMON = _COMMON_WORDS.split()
DOMAIN = _DOMAIN_WORDS.split()

SYLLABLES = ["ka", "zan", "bor", "li", "tur", "men", "sta", "ro", "vi", "qu", "shan", "dor",
             "ex", "pla", "ni", "gor", "ta", "bel", "mur", "sen", "o", "ar", "chi", "lo"]

CONNECTIVES = ["signed an agreement with", "will build a plant in", "expanded cooperation with",
               "opened an industrial park in", "agreed to invest in", "held talks with"]

RARE_WORDS = 20000
SENTENCE_POOL = 30000


def _rare_words(rng: random.Random) -> list[str]:
    words = set()
    while len(words) < RARE_WORDS:
        words.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
    return sorted(words)


def _zipf_weights(n: int) -> list[float]:
    return list(itertools.accumulate(1 / (rank + 1) for rank in range(n)))


class ArticleGenerator:
    def __init__(self, seed: int = 20261102) -> None:
        self.rng = random.Random(seed)
        vocab = vocabulary()
        self.provinces = list(vocab.provinces)
        self.sectors = list(vocab.sectors)
        # Belt-and-Road partner countries dominate real coverage; the rest form a tail.
        partners = ["KZ", "UZ", "TJ", "KG", "TM", "PK", "RU", "MN", "ID", "MY", "TH", "VN", "LA",
                    "KH", "MM", "BD", "LK", "IR", "TR", "EG", "ET", "KE", "NG", "ZA", "BR", "RS",
                    "HU", "BY", "AZ", "GE", "SA", "AE"]
        self.countries = partners + sorted(set(vocab.countries) - set(partners))
        self.country_names = vocab.countries
        self.province_weights = _zipf_weights(len(self.provinces))
        self.country_weights = _zipf_weights(len(self.countries))
        self.sector_weights = _zipf_weights(len(self.sectors))
        self.words = self._ranked_words()
        self.word_weights = _zipf_weights(len(self.words))
        self.pool = [self._sentence() for _ in range(SENTENCE_POOL)]
        self.start = datetime(2023, 1, 1, tzinfo=UTC)

    def _ranked_words(self) -> list[str]:
        # Function words lead, domain terms mix in among the everyday ones, rare tokens trail.
        head, rest = COMMON[:40], COMMON[40:]
        middle = [w for pair in itertools.zip_longest(rest, DOMAIN) for w in pair if w]
        rare = _rare_words(self.rng)
        self.rng.shuffle(rare)
        return head + middle + rare

    def _sentence(self) -> str:
        words = self.rng.choices(self.words, cum_weights=self.word_weights,
                                 k=self.rng.randint(8, 30))
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def article(self, number: int) -> ArticleClassified:
        rng = self.rng
        provinces = sorted(set(rng.choices(self.provinces, cum_weights=self.province_weights,
                                           k=rng.choice((0, 1, 1, 1, 2, 2, 3)))))
        countries = sorted(set(rng.choices(self.countries, cum_weights=self.country_weights,
                                           k=rng.choice((0, 1, 1, 2, 2, 3)))))
        sectors = sorted(set(rng.choices(self.sectors, cum_weights=self.sector_weights,
                                         k=rng.choice((0, 1, 1, 2, 3)))))
        pairings = [
            Pairing(province=p, country=c, sectors=rng.sample(sectors, k=min(len(sectors), 2)),
                    evidence=f"{p} {rng.choice(CONNECTIVES)} {self.country_names[c]}.")
            for p in provinces for c in countries if rng.random() < 0.6
        ]
        # News lengths are roughly log-normal: median ~500 words, a long tail of features.
        target_words = int(min(3000, max(80, rng.lognormvariate(math.log(500), 0.6))))
        sentences = [p.evidence for p in pairings]
        count = sum(len(s.split()) for s in sentences)
        while count < target_words:
            sentence = rng.choice(self.pool)
            sentences.append(sentence)
            count += sentence.count(" ") + 1
        rng.shuffle(sentences)
        paragraphs = [" ".join(sentences[i:i + 5]) for i in range(0, len(sentences), 5)]
        title_subject = " and ".join(provinces[:1] + [self.country_names[c] for c in countries[:1]])
        title = (f"{title_subject}: " if title_subject else "") + rng.choice(self.pool)[:90]
        url = f"https://bench.example/news/{number}.html"
        published = self.start + timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
        article = ArticleFetched(
            article_id=f"bench{number:08d}", url=url, canonical_url=url,
            feed_url="https://bench.example/feed.xml", title=title, text="\n\n".join(paragraphs),
            summary=sentences[0], published=published, site_name="bench.example", language="en",
            fetched_at=published + timedelta(hours=1),
        )
        labels = Labels(relevant=bool(pairings) or rng.random() < 0.3, relevance=rng.random(),
                        provinces=provinces, countries=countries, sectors=sectors,
                        pairings=pairings, classifier_version="bench")
        return ArticleClassified(article=article, labels=labels)


def _actions(index: str, count: int) -> Iterator[dict[str, Any]]:
    generator = ArticleGenerator()
    for number in range(count):
        message = generator.article(number)
        yield {"_index": index, "_id": message.article.article_id, "_source": to_document(message)}


def document_count(es: Elasticsearch, alias: str) -> int:
    if not es.indices.exists_alias(name=alias):
        return 0
    es.indices.refresh(index=alias)
    return int(es.count(index=alias)["count"])


def build_index(es: Elasticsearch, settings: Settings, count: int, log: Any = print) -> None:
    """(Re)create the benchmark index behind ``settings.index_alias`` with ``count`` articles."""
    alias = settings.index_alias
    drop_index(es, settings)
    ensure_index(es, settings)
    # Bulk loading goes faster without refreshes; the configured interval comes back after.
    es.indices.put_settings(index=alias, settings={"index": {"refresh_interval": "-1"}})
    results = helpers.parallel_bulk(es, _actions(alias, count), thread_count=2, chunk_size=1000,
                                    queue_size=4, raise_on_error=False)
    for done, (ok, item) in enumerate(results, start=1):
        if not ok:
            raise RuntimeError(f"indexing failed: {item}")
        if done % 10000 == 0:
            log(f"  indexed {done:,}/{count:,}")
    es.indices.put_settings(
        index=alias, settings={"index": {"refresh_interval": settings.index_refresh_interval}})
    es.indices.refresh(index=alias)
