"""How long a title may be, and cutting one down to it.

A headline is rarely over 200 characters; a feed or page can still carry a title of a
megabyte (by mistake or on purpose). Every search hit, alert, e-mail subject and Atom
entry repeats the title, so one such entry would bloat them all. Titles are cut to
``MAX_TITLE_CHARS`` at a word boundary where there is one, with an ellipsis to show it.
"""

from __future__ import annotations

MAX_TITLE_CHARS = 500


def clip_title(title: str) -> str:
    title = " ".join(title.split()) if len(title) > MAX_TITLE_CHARS else title
    if len(title) <= MAX_TITLE_CHARS:
        return title
    cut = title[: MAX_TITLE_CHARS - 1]
    space = cut.rfind(" ")
    if space > MAX_TITLE_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"
