"""A suggested title and theme for a proposed commitment (editors change them)."""

import re

# The tracker's themes, each with words that point to it.
THEMES = [
    (
        "Security and counter-terrorism",
        r"terror|extremis|separatis|security|drug|narcotic|weapon|military|defen[cs]e|"
        r"asylum|extradit|crime|criminal|migration|mercenar|border|trafficking|"
        r"intelligence|law enforcement|threat|arms|nuclear|non-proliferation",
    ),
    (
        "Economy and finance",
        r"econom|trade|financ|bank|budget|fund\b|investment|business|market|"
        r"customs|tariff|growth|recovery|energy|green economy",
    ),
    (
        "Emergencies and infrastructure",
        r"disaster|rescue|emergenc|infrastructure|transport",
    ),
    ("Environment", r"environment|climate|ecolog|biodivers|pollution"),
    (
        "Humanitarian cooperation",
        r"educat|cultur|sport|touris|health|youth|science|exchange of students",
    ),
    (
        "External relations",
        r"international organi[sz]ations|observer|contacts|ties with|relations with|"
        r"dialogue partner|memorand|united nations|\bUN\b|ASEAN|\bCIS\b|outreach",
    ),
    (
        "International order",
        r"world order|reform|human rights|international law|dividing lines|"
        r"consensus|peace|stability|multilateral",
    ),
    (
        "Institutions",
        r"secretariat|secretary|coordinators|permanent representative|organs|"
        r"institution|budgetary|charter|rules of procedure",
    ),
]
GENERAL = "General"


def theme_for(text: str) -> str:
    """The theme whose words the text uses most; 'General' when none."""
    scores = [
        (len(re.findall(pattern, text, re.IGNORECASE)), -i, name)
        for i, (name, pattern) in enumerate(THEMES)
    ]
    best = max(scores)
    return best[2] if best[0] else GENERAL


def _clip(text: str, words: int = 12) -> str:
    parts = text.split()
    clipped = " ".join(parts[:words])
    return clipped.rstrip(",;:") + ("…" if len(parts) > words else "")


def _act(text: str) -> str:
    """The act as an infinitive phrase: 'will prepare X' -> 'prepare X'."""
    text = re.sub(
        r"^(?:will|shall|should|must|need\s+to|needs\s+to|is\s+to|are\s+to|"
        r"(?:is|are)\s+(?:willing|ready|going|intended|determined)\s+to|"
        r"(?:have\s+|has\s+)?agreed\s+to|(?:are|is)\s+in\s+agreement\s+to|"
        r"decided\s+to|resolved\s+to)\s+",
        "",
        text.strip(),
        flags=re.IGNORECASE,
    )
    text = re.sub(r"^(?:also|further|actively|consistently|urgently)\s+", "", text)
    text = re.sub(r"^to\s+", "", text)
    text = re.sub(r"^be\s+making\s+", "make ", text)
    return text.strip(" ,;.")


def title_for(
    *, actor: str, act: str, kind: str, addressee: str = "", how: str = ""
) -> str:
    """'CNC to prepare proposals for ...', 'Call on X to ...', or the act."""
    if how in ("passive", "passive-by", "list item") or re.search(
        r"\b(?:doing|do)\s+so\b", act
    ):
        act = act.strip(" ,;.")
        title = act[0].upper() + act[1:] if act else "Commitment"
        return _clip(title, 12)[:300]
    if how == "advocacy":
        return _clip(f"In favour of {act.strip(' ,;.')}", 12)[:300]
    act = _act(act)
    if not act:
        return actor or "Commitment"
    if kind == "call" and addressee:
        title = f"Call on {addressee} to {_clip(act, 10)}"
    elif actor:
        title = f"{actor} to {_clip(act, 10)}"
    else:
        title = _clip(act[0].upper() + act[1:], 12)
    return title[:300]
