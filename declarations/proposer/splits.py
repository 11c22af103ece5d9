"""Splitting one commitment clause into the separate acts it joins.

The coding manual splits where the parts could be done one without the other
(section 2): "prepare proposals for strengthening X and renaming Y", "develop
A, as well as arranging B", "will give ..., and also will approve ...", "take
part in X and in Y". A list of three or more gerunds ("providing, imposing,
and accelerating") stays whole, as one act described in several words.
"""

import re

SPLITS = [
    # "..., as well as arranging ...", "..., as well as to be involved ..."
    re.compile(r",\s+as\s+well\s+as\s+(?=(?:to\s+[a-z]+|[a-z]+ing)\b)"),
    # "... will give ..., and also will approve ..."
    re.compile(r",?\s+and\s+(?:also\s+)?(?=(?:will|shall|should)\s+[a-z])"),
    # "for strengthening X and renaming the Y"
    re.compile(r"(?<!,)\s+and\s+(?=[a-z]+ing\s+(?:the|a|an|its|their|his|her|our)\b)"),
]


def split_points(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Where a commitment clause joins separate acts: (end of one part, start of
    the next), in order. A preposition repeated after 'and' ('take part in X
    and in Y') joins two objects of one verb that can be done apart."""
    points = []
    for pattern in SPLITS:
        for m in pattern.finditer(text, start, end):
            left, right = text[start : m.start()], text[m.end() : end]
            if len(left.split()) >= 3 and len(right.split()) >= 3:
                if pattern is SPLITS[2] and not re.search(r"\b[a-z]+ing\b", left):
                    continue
                points.append((m.start(), m.start() + (m.end() - m.start())))
    for prep in ("in", "for", "on"):
        first = re.search(rf"\b{prep}\s+the\b", text[start:end])
        if not first:
            continue
        for m in re.finditer(rf",?\s+and\s+(?={prep}\s+the\b)", text[start:end]):
            if (
                m.start() > first.end()
                and len(text[start + m.end() : end].split()) >= 3
            ):
                points.append((start + m.start(), start + m.end()))
    points = sorted(set(points))
    kept, last = [], start
    for a, b in points:
        if a >= last:
            kept.append((a, b))
            last = b
    return kept
