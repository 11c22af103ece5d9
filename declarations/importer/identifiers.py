"""ASCII identifiers (URL slugs, reference letters) from a place or title in any script.

Transliteration is anyascii's: Cyrillic by its usual romanisation ("Астана" →
"Astana"), Han characters by their Mandarin pinyin without tones ("上海" →
"ShangHai"), kana by Hepburn-like romaji ("ボン" → "bon"). Kanji in a Japanese text
are read as Mandarin too ("東京" → "DongJing"): a readable, stable slug, not a
Japanese reading; editors can set the slug by hand.
"""

import re
import unicodedata

from anyascii import anyascii
from django.utils.text import slugify

FALLBACK_SLUG = "declaration"
FALLBACK_LETTERS = "DECL"


def _script(char: str) -> str:
    """A coarse script class, so that a change of script can count as a word break."""
    name = unicodedata.name(char, "")
    if name.startswith("CJK"):
        return "han"
    if name.startswith("HIRAGANA"):
        return "hiragana"
    if name.startswith("KATAKANA"):
        return "katakana"
    return "other"


def transliterate(text: str) -> str:
    """``text`` in ASCII, with a space wherever Han, kana and other scripts meet.

    Han text has no spaces between words; breaking it where the script changes
    ("日本国内閣総理大臣及び" | "ドイツ") gives a slug word breaks it can be cut at.
    """
    runs: list[list[str]] = []
    previous = None
    for char in text:
        script = _script(char)
        if script != previous or not runs:
            runs.append([])
        runs[-1].append(char)
        previous = script
    return " ".join(anyascii("".join(run)) for run in runs)


def slug_base(*candidates: str) -> str:
    """A URL slug from the first candidate (place, then title) that gives one.

    Lowercase ASCII words joined by hyphens, never empty, never starting or ending
    with a hyphen; "declaration" when no candidate has a letter or digit.
    """
    for text in candidates:
        slug = slugify(transliterate(text or "").replace("_", " ")).strip("-")
        if slug:
            return slug
    return FALLBACK_SLUG


def reference_letters(place: str, title: str = "") -> str:
    """Uppercase ASCII letters for commitment references ("AST", "SHA", "JST").

    The first three letters of the place; without a place, the initials of the
    title's words of more than three letters (at most four), or failing that its
    first three letters; "DECL" when neither has a letter.
    """
    letters = re.sub(r"[^A-Za-z]", "", transliterate(place or ""))[:3]
    if letters:
        return letters.upper()
    words = re.findall(r"[A-Za-z]+", transliterate(title or ""))
    initials = "".join(word[0] for word in words if len(word) > 3)[:4]
    if len(initials) >= 2:
        return initials.upper()
    letters = "".join(words)[:3]
    return letters.upper() or FALLBACK_LETTERS
