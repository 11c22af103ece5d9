"""The coding manual (docs/coding-manual.md), as the methodology page prints it.

The manual is written once, in Markdown, in the repository, where it is reviewed
with the codebook it governs; the page renders that same file, so the two cannot
drift apart. It is our own file, but it is rendered with HTML switched off (any
tag in it is shown as text) and markdown-it's link check (no ``javascript:``).
"""

import functools
from pathlib import Path

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from markdown_it import MarkdownIt

MANUAL = Path(settings.BASE_DIR) / "docs" / "coding-manual.md"
# The page's own heading names the manual: its sections sit one level below.
LEVEL_SHIFT = 1


def render_manual(text: str) -> SafeString:
    """The manual's Markdown as HTML: its title dropped (the page has its own),
    its headings one level down with an ``id`` to link to (``manual-...``)."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    if tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        tokens = tokens[3:]  # heading_open, inline, heading_close
    for index, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + LEVEL_SHIFT, 6)
            token.tag = f"h{level}"
            if token.type == "heading_open":
                title = tokens[index + 1].content
                token.attrSet("id", f"manual-{slugify(title)}")
    return mark_safe(md.renderer.render(tokens, md.options, {}))


@functools.cache
def _cached(path: Path, modified: float) -> SafeString:
    return render_manual(path.read_text(encoding="utf-8"))


def coding_manual() -> SafeString:
    """The coding manual as HTML, rendered again only when the file changes;
    empty if the install ships without it."""
    try:
        return _cached(MANUAL, MANUAL.stat().st_mtime)
    except FileNotFoundError:
        return SafeString("")
