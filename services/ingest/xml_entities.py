"""Finding dangerous entity declarations in an XML document, before any parser reads it.

Entity declarations are how XML bombs work (entities nesting other entities, "billion
laughs", or one long entity repeated: quadratic blow-up) and how external entities read
files or URLs (``<!ENTITY x SYSTEM "file:///etc/passwd">``, XXE). A feed declaring such
an entity is refused with the reason, rather than left to each parser's own limits.
Short plain-text entities (``<!ENTITY id "tag:example.com,">``) stay allowed: some
feeds use them and they expand harmlessly.

Declarations can only stand in the document type declaration, before the root element,
so only that prolog is searched: an article quoting ``<!ENTITY`` in its text is fine.
"""

from __future__ import annotations

import codecs
import re

MAX_ENTITY_CHARS = 1_000  # repeated a few thousand times, still only megabytes

_ROOT_START = re.compile(r"<[A-Za-z_:]")
# &name; or %name; inside a value; character references (&#38;) expand to one character.
_ENTITY_REFERENCE = re.compile(r"&(?!#)|%[A-Za-z_:]")
_DECLARATION = re.compile(r"<!ENTITY\s+(%\s+)?(\S+)\s+(.*?)>", re.DOTALL)
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# "<" then "?" or "!" in the wide encodings, for documents without a byte-order mark.
_WIDE_STARTS = (
    (b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be"),
)


def _as_text(content: bytes) -> str:
    for bom, codec in _WIDE_BOMS:
        if content.startswith(bom):
            return content[len(bom):].decode(codec, errors="replace")
    for start, codec in _WIDE_STARTS:
        if content.startswith(start):
            return content.decode(codec, errors="replace")
    # UTF-8 and every single-byte encoding spell the markup in ASCII.
    return content.decode("latin-1")


def dangerous_entity(content: bytes) -> str | None:
    """Why the document's entity declarations are refused, or None if it has no bad one."""
    text = _as_text(content)
    root = _ROOT_START.search(text)
    prolog = text[: root.start()] if root else text
    if "<!ENTITY" not in prolog:
        return None
    for parameter, name, definition in _DECLARATION.findall(prolog):
        definition = definition.strip()
        if definition.startswith(("SYSTEM", "PUBLIC")):
            return f"entity {name} is external ({definition.split()[0]}), a file or URL read"
        if parameter:
            return f"parameter entity {name} is declared, which only DTD tricks need"
        if _ENTITY_REFERENCE.search(definition):
            return f"entity {name} refers to other entities, the shape of an expansion bomb"
        if len(value := definition.strip("\"'")) > MAX_ENTITY_CHARS:
            return (f"entity {name} is {len(value)} characters long (limit "
                    f"{MAX_ENTITY_CHARS}), enough to blow up when repeated")
    return None
