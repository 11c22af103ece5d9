"""Who a clause names: bodies of the registry, the parties, the organisation.

Names are matched word by word after the same normalisation on both sides:
case, articles, hyphens inside words ("Anti-Terrorist" = "Antiterrorist"),
possessives and a plural "s" do not count. Each body is found by its name, its
short name, its aliases and two kinds of variant made from its name alone: the
name without a trailing "of ..." qualifier ("Council of National Coordinators"
for "Council of National Coordinators of the SCO Member States") and the name
with another body's name replaced by that body's short name ("Council of RATS").
A generated variant that would fit two bodies is dropped; the longest match
wins where names overlap ("UN Secretariat" over "Secretariat").
"""

import dataclasses
import re

WORD = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*")
ARTICLES = {"the", "a", "an"}
PREPOSITIONS = {
    "of",
    "by",
    "with",
    "to",
    "for",
    "in",
    "among",
    "between",
    "from",
    "on",
    "at",
    "into",
    "around",
    "against",
    "within",
    "towards",
    "toward",
}

# Phrases that name the authors' own states (coding manual, section 3, rule 4).
PARTIES = re.compile(
    r"\b(?:(?:the|our|all|its|their)\s+)?(?:(?:[A-Z]{2,6}|two|three|four|five|six|"
    r"both|participating|contracting)\s+)?"
    r"(?:member[\s-]+(?:states?|countries|nations)|Parties|parties|Sides|sides|"
    r"countries|states)(?:\s+of\s+the\s+Organi[sz]ation)?\b"
)
# Phrases that are parties only with a number or "our": "the three countries",
# "our states"; bare "states" or "countries" name no one in particular.
PARTIES_NEEDS_QUALIFIER = re.compile(
    r"^(?:the\s+)?(?:countries|states)\b", re.IGNORECASE
)
WE = re.compile(r"\b(?:we|We|WE)\b")
HEADS_OF_STATE = re.compile(
    r"\b(?:the\s+)?(?:heads?\s+of\s+(?:the\s+)?(?:member\s+)?states?"
    r"(?:\s+and\s+(?:of\s+)?government)?|leaders|Leaders|Presidents|Ministers)\b",
    re.IGNORECASE,
)
DEFINITION = re.compile(
    r"((?:[A-Z][\w'’-]*\s+)(?:(?:of|for|and|on|the)\s+|[A-Z][\w'’-]*\s+)*"
    r"[A-Z][\w'’-]*)\s*\((?:hereinafter|hereafter)\s+(?:referred\s+to\s+as\s+|"
    r"called\s+|the\s+)?(?:the\s+)?[\"“]?([A-Z][\w-]*)[\"”]?"
    r"(?:\s+or\s+(?:the\s+)?[\"“]?([A-Z][\w-]*)[\"”]?)?"
)


def normalise(word: str) -> str:
    """One word as matching sees it."""
    word = word.lower().replace("’", "'")
    word = re.sub(r"'s$", "", word).replace("-", "").replace("'", "")
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def words(text: str) -> list[tuple[str, int, int]]:
    """(normalised word, start, end) of every word but an article."""
    return [
        (normalise(m.group()), m.start(), m.end())
        for m in WORD.finditer(text)
        if m.group().lower() not in ARTICLES
    ]


@dataclasses.dataclass(frozen=True)
class RegistryBody:
    """A body as the proposer knows it; ``key`` is opaque (the Body's pk)."""

    name: str
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    kind: str = "organ"  # BodyKind's values: organ, member_state, external
    key: object = None


@dataclasses.dataclass(frozen=True)
class Mention:
    """A place where the text names an actor."""

    start: int
    end: int
    body: RegistryBody | None = None  # None for the parties or a new body
    what: str = "body"  # body, parties, organisation, heads, we, they, it
    name: str = ""


def _cut_variants(name: str) -> list[str]:
    """The name without its trailing "of ..." qualifiers, longest first."""
    variants = []
    parts = re.split(r"\s+of\s+", name)
    for n in range(len(parts) - 1, 0, -1):
        head = " of ".join(parts[:n])
        tail = " of ".join(parts[n:])
        if len(words(head)) >= 2 and re.search(r"[A-Z]", tail):
            variants.append(head)
    return variants


class Registry:
    """The bodies a text can name, with the organisation the text defines."""

    def __init__(self, bodies, *, organisation: tuple[str, ...] = ()):
        self.bodies = list(bodies)
        explicit: dict[tuple, set] = {}
        generated: dict[tuple, set] = {}
        acronyms: dict[str, RegistryBody] = {}
        for body in self.bodies:
            for text in (body.name, *body.aliases):
                self._add(explicit, text, body)
            if body.short_name:
                if re.fullmatch(r"[A-Z0-9]{2,8}", body.short_name):
                    acronyms[body.short_name] = body
                else:
                    self._add(explicit, body.short_name, body)
            for variant in _cut_variants(body.name):
                self._add(generated, variant, body)
        # "Council of the Regional Anti-Terrorist Structure" is also "Council of
        # RATS": another body's name inside this one, replaced by its short name.
        names = {
            body: [body.name, *_cut_variants(body.name)]
            for body in self.bodies
            if body.short_name
        }
        for body in self.bodies:
            for other, spelled in names.items():
                if other is body:
                    continue
                for inner in spelled:
                    if inner in body.name and inner != body.name:
                        self._add(
                            generated,
                            body.name.replace(inner, other.short_name),
                            body,
                        )
        self.variants = {key: next(iter(v)) for key, v in explicit.items()}
        for key, found in generated.items():
            if len(found) == 1 and key not in self.variants:
                self.variants[key] = next(iter(found))
        self.acronyms = acronyms
        self.longest = max((len(k) for k in self.variants), default=1)
        self.organisation = organisation  # its name first, then its short names
        self.organisation_body = self._organisation_body()

    @staticmethod
    def _add(table, text, body):
        key = tuple(w for w, _, _ in words(text))
        if key:
            table.setdefault(key, set()).add(body)

    def _organisation_body(self) -> RegistryBody | None:
        for spelled in self.organisation:
            key = tuple(w for w, _, _ in words(spelled))
            body = self.variants.get(key) or self.acronyms.get(spelled)
            if body is not None:
                return body
        return None

    def member_states(self) -> list[RegistryBody]:
        return [b for b in self.bodies if b.kind == "member_state"]

    def find(self, text: str) -> list[Mention]:
        """Every body the text names, longest match first, without overlaps."""
        tokens = words(text)
        found, taken = [], set()
        for size in range(min(self.longest, len(tokens)), 0, -1):
            for i in range(len(tokens) - size + 1):
                if any(j in taken for j in range(i, i + size)):
                    continue
                key = tuple(t[0] for t in tokens[i : i + size])
                body = self.variants.get(key)
                if body is None:
                    continue
                start, end = tokens[i][1], tokens[i + size - 1][2]
                if self._is_attributive_organisation(body, text, end):
                    continue
                found.append(Mention(start, end, body, name=body.name))
                taken.update(range(i, i + size))
        for m in WORD.finditer(text):
            body = self.acronyms.get(m.group())
            if body is None or any(
                f.start <= m.start() < f.end or m.start() <= f.start < m.end()
                for f in found
            ):
                continue
            if self._is_attributive_organisation(body, text, m.end()):
                continue
            found.append(Mention(m.start(), m.end(), body, name=body.name))
        return sorted(found, key=lambda f: f.start)

    def _is_attributive_organisation(self, body, text, end) -> bool:
        """'SCO' in 'SCO cooperation' modifies a noun; it names no actor."""
        if body is not self.organisation_body:
            return False
        return bool(re.match(r"\s+[A-Za-z]", text[end:])) and not re.match(
            r"\s+(?:is|was|will|shall|should|must|needs?|has|have|are|and|or|"
            r"as|to|in|on|for|with|playing|itself)\b",
            text[end:],
        )

    def organisation_in(self, text: str) -> list[Mention]:
        """Where the text names the organisation as a whole ('the SCO')."""
        found = []
        for spelled in self.organisation:
            for m in re.finditer(rf"\b{re.escape(spelled)}\b", text):
                following = text[m.end() :]
                if len(spelled) <= 8 and re.match(
                    r"\s+(?!is\b|was\b|will\b|shall\b|should\b|must\b|needs?\b|"
                    r"has\b|have\b|are\b|and\b|or\b|as\b|to\b|in\b|on\b|for\b|"
                    r"with\b|playing\b|itself\b)[a-zA-Z]",
                    following,
                ):
                    continue  # attributive: 'SCO member states', 'SCO region'
                found.append(
                    Mention(
                        m.start(),
                        m.end(),
                        self.organisation_body,
                        "organisation",
                        self.organisation_name,
                    )
                )
        return found

    @property
    def organisation_name(self) -> str:
        if self.organisation_body is not None:
            return self.organisation_body.name
        return self.organisation[0] if self.organisation else ""


def organisation_of(texts) -> tuple[str, ...]:
    """The organisation a text defines: ('Shanghai Cooperation Organization',
    'SCO', 'Organization') from "... (hereinafter referred to as the SCO or the
    Organization)"."""
    for text in texts:
        match = DEFINITION.search(text)
        if match:
            name = re.sub(r"^(?:The|the)\s+", "", match[1]).strip()
            return tuple(x for x in (name, match[2], match[3]) if x)
    return ()


def parties_of(registry: Registry, opening: str) -> list[RegistryBody]:
    """The declaration's own states: the registry's member states its opening
    names (none when it names none: a registry may hold the states of several
    organisations, and guessing would credit the wrong ones)."""
    states = registry.member_states()
    named = {m.body for m in registry.find(opening) if m.body in states}
    return [b for b in states if b in named]


def actor_mentions(registry: Registry, text: str) -> list[Mention]:
    """Bodies, the parties, the organisation and pronouns, in text order."""
    found = registry.find(text)
    spans = [(f.start, f.end) for f in found]

    def free(start, end):
        return not any(s < end and start < e for s, e in spans)

    extra = []
    for m in registry.organisation_in(text):
        if free(m.start, m.end):
            extra.append(m)
            spans.append((m.start, m.end))
    for m in PARTIES.finditer(text):
        if PARTIES_NEEDS_QUALIFIER.match(m.group()):
            continue
        if free(m.start(), m.end()):
            extra.append(Mention(m.start(), m.end(), None, "parties", m.group()))
            spans.append((m.start(), m.end()))
    for m in HEADS_OF_STATE.finditer(text):
        if free(m.start(), m.end()):
            extra.append(Mention(m.start(), m.end(), None, "heads", m.group()))
            spans.append((m.start(), m.end()))
    for pattern, what in (
        (WE, "we"),
        (re.compile(r"\b(?:they|They)\b"), "they"),
        (re.compile(r"\b(?:it|It)\b"), "it"),
    ):
        for m in pattern.finditer(text):
            if free(m.start(), m.end()):
                extra.append(Mention(m.start(), m.end(), None, what, m.group()))
    return sorted([*found, *extra], key=lambda f: f.start)


# --- roles of the bodies a clause names besides its actor --------------------

SUPPORTING_BEFORE = re.compile(
    r"\b(?:jointly\s+with|together\s+with|in\s+(?:close\s+)?(?:cooperation|"
    r"coordination|consultation|partnership)\s+with|with\s+the\s+(?:participation|"
    r"assistance|help|support|involvement)\s+of|through|via|by\s+means\s+of|"
    r"mechanisms?\s+of(?:\s+\w+){0,2}\s+of|mechanisms?\s+of|use\s+of|assist|help|"
    r"involving|involvement\s+of|participation\s+of|at\s+(?:the\s+)?(?:\w+\s+)?"
    r"meetings?\s+of)\s*(?:the\s+)?$",
    re.IGNORECASE,
)
OBJECT_BEFORE = re.compile(
    r"\b(?:strengthen\w*|improv\w*|increas\w*|enhanc\w*|reform\w*\s+of|renam\w*|"
    r"efficiency\s+of|role\s+of|status\s+(?:to|for|of)|assistance\s+to|aid\s+to|"
    r"contacts?\s+with|ties\s+with|relations\s+with|around|that\s+of|"
    r"efforts\s+(?:of|by)|support\s+(?:for|to)|to|for|against|on|about|"
    r"(?:memorand\w+|agreements?|treaty|treaties)\s+(?:of\s+understanding\s+)?"
    r"(?:between|with))\s*(?:the\s+)?(?:\w+\s+){0,1}$",
    re.IGNORECASE,
)
OBJECT_AFTER = re.compile(r"^(?:'s|’s)\s+(?:role|efficiency|work|capacity)")


def role_of(mention: Mention, text: str) -> str | None:
    """'supporting' or None (object, beneficiary or merely mentioned) for a body
    the clause names that is not its actor; addressees are found by the cues."""
    before = text[max(0, mention.start - 80) : mention.start]
    after = text[mention.end : mention.end + 30]
    if SUPPORTING_BEFORE.search(before):
        return "supporting"
    if OBJECT_BEFORE.search(before) or OBJECT_AFTER.match(after):
        return None
    if mention.body is not None and mention.body.kind == "organ":
        # An organ of the organisation named in the act takes part in it.
        return "supporting"
    return None
