"""Text that every output can carry.

The pages, the Atom feed and the Excel download are XML 1.0, which cannot hold the
C0 control characters other than tab, line feed and carriage return (Django's feed
writer refuses them with an error, openpyxl too); the iCalendar feed (RFC 5545)
ends its lines with CR LF, so a carriage return of its own would end a line in the
middle of a value. Such characters arrive from pasted text: Word's manual line
break is a vertical tab (U+000B), pdftotext marks each page with a form feed
(U+000C).

Two tools, one rule:

- ``refuse_control_characters``, the validator of every free-text field (models,
  forms, the importer), refuses them on the way in. A carriage return is accepted
  only as the first half of a CR LF line break, which is what browsers send from a
  text area; a lone one is refused.
- ``printable``, which every writer applies to what it writes, so that text stored
  before the validator existed (or written around it, in SQL) cannot break a feed
  or a download.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# C0 controls other than tab and line feed, and a CR that does not start a CR LF.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|\r(?!\n)")

NAMES = {
    0x00: "a NUL character",
    0x08: "a backspace",
    0x0B: "a vertical tab (Word's manual line break)",
    0x0C: "a form feed (a page break)",
    0x0D: "a carriage return that does not end a line",
    0x1B: "an escape character",
}
# What ``printable`` puts instead: the characters that break a line become a line
# break; the others carry nothing and are dropped.
LINE_BREAKS = {"\x0b": "\n", "\x0c": "\n", "\r": "\n"}


def describe(character: str) -> str:
    """A control character as a reader would name it: "a form feed (U+000C)"."""
    code = ord(character)
    return f"{NAMES.get(code, 'a control character')} (U+{code:04X})"


def first_control_character(text: str) -> tuple[int, str] | None:
    """(index, character) of the first character ``printable`` would replace."""
    match = CONTROL.search(text)
    return (match.start(), match.group()) if match else None


def _strings(value):
    """Every string in a value: itself, or those inside a JSON list or object."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


@deconstructible(path="declarations.text.ControlCharacterValidator")
class ControlCharacterValidator:
    """Refuses text holding a control character no output can carry."""

    code = "control_character"

    def __call__(self, value):
        for text in _strings(value):
            found = first_control_character(text)
            if found:
                index, character = found
                raise ValidationError(
                    "This text contains %(character)s at character %(position)s: "
                    "remove it. Text may hold tabs and line breaks, but no other "
                    "control character.",
                    code=self.code,
                    params={"character": describe(character), "position": index + 1},
                )

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator)

    def __hash__(self):
        return hash(self.code)


refuse_control_characters = ControlCharacterValidator()


def printable(value):
    """The value with every control character an output cannot carry replaced: a
    vertical tab, form feed or lone carriage return by a line feed, the others
    removed. Anything but a string is returned as it is."""
    if not isinstance(value, str) or not CONTROL.search(value):
        return value
    return CONTROL.sub(lambda match: LINE_BREAKS.get(match.group(), ""), value)
