import pytest

from services.ingest.opml import MalformedOpmlError, feed_urls_from_opml

OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>BRI</title></head><body>
<outline text="Wires"><outline text="A" type="rss" xmlUrl="https://a.example/feed.xml"/>
<outline text="B" type="rss" xmlUrl="/feeds/b.atom"/></outline>
<outline text="A again" xmlUrl="https://a.example/feed.xml"/>
<outline text="No feed"/><outline text="Local" xmlUrl="file:///etc/passwd"/>
</body></opml>"""


def test_every_feed_of_nested_outlines_is_listed_once_and_absolute() -> None:
    assert feed_urls_from_opml(OPML, "https://lists.example/subs.opml") == [
        "https://a.example/feed.xml",
        "https://lists.example/feeds/b.atom",
    ]


def test_entity_expansion_bomb_is_refused() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<opml><body><outline text="&lol2;" xmlUrl="https://a.example/f"/></body></opml>"""
    with pytest.raises(MalformedOpmlError, match="entity lol2 refers to other entities"):
        feed_urls_from_opml(bomb)


@pytest.mark.parametrize("content", [b"", b"<rss version='2.0'/>", b"\x89PNG\r\n"])
def test_other_documents_are_refused_with_a_reason(content: bytes) -> None:
    with pytest.raises(MalformedOpmlError, match="OPML"):
        feed_urls_from_opml(content)


def test_an_exported_list_reads_back_with_every_feed_and_escaped_titles() -> None:
    from defusedxml import ElementTree

    from services.ingest.opml import opml_document

    feeds = [("https://a.example/feed.xml?x=1&y=2", 'Gansu & "Kazakhstan" <news>'),
             ("https://b.example/feed.json", "")]
    document = opml_document(feeds)
    assert feed_urls_from_opml(document) == [url for url, _ in feeds]
    root = ElementTree.fromstring(document)
    assert root.get("version") == "2.0"
    outlines = root.findall("./body/outline")
    assert [o.get("title") for o in outlines] == [feeds[0][1], feeds[1][0]]  # untitled: its URL
