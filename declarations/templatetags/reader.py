"""Placing quotes in their paragraph, for the reader and the commitment page.

The paragraph is cut into segments; templates print each segment's text (escaped
by the template engine like any other text) and wrap the quoted ones in their own
markup. Nothing here builds HTML from the text.
"""

import dataclasses

from django import template

register = template.Library()


@dataclasses.dataclass
class Segment:
    text: str
    # The commitments quoting this stretch of text; empty for plain text.
    items: list = dataclasses.field(default_factory=list)

    @property
    def is_quote(self) -> bool:
        return bool(self.items)


def quote_segments(text: str, quotes) -> tuple[list[Segment], list]:
    """Cut ``text`` at each quote's first occurrence.

    ``quotes`` is a sequence of (quote, item). Overlapping quotes merge into one
    segment carrying every item; identical quotes share one. Returns the segments,
    in order, and the items whose quote is not in the text.
    """
    spans, unmatched = [], []
    for quote, item in quotes:
        start = text.find(quote) if quote else -1
        if start < 0:
            unmatched.append(item)
        else:
            spans.append((start, start + len(quote), item))
    spans.sort(key=lambda span: (span[0], -span[1]))
    merged: list[list] = []
    for start, end, item in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2].append(item)
        else:
            merged.append([start, end, [item]])
    segments, position = [], 0
    for start, end, items in merged:
        if position < start:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], items))
        position = end
    if position < len(text) or not segments:
        segments.append(Segment(text[position:]))
    return segments, unmatched
