"""Sentences, clauses and the cues that make a clause a commitment.

A clause is proposed when it promises, decides, agrees, instructs or calls on
someone (coding manual, section 1): a future or obligation modal with an actor
("the Parties will", "the Council ... should develop"), a future passive or a
light-verb passive with an implied actor ("measures will be taken", "particular
attention should be paid"), a decision ("have agreed to", "are in agreement
to", "decided that X will"), a call ("call upon X to", "deem it necessary for X
to"), advocacy ("argue in favour of X playing ..."), or an impersonal necessity
("it is necessary to", "an urgent task is to", "noted the importance of
taking ..."). Statements of belief ("are convinced", "believe", "hold that",
"note that") are proposed only where the clause they frame has an actor and a
modal ("hold that the meeting of the heads of government ... will approve");
accounts of the past and present (no modal) and general principles ("the right
of every nation ... should be fully guaranteed") are not.
"""

import dataclasses
import re

# --- sentences ---------------------------------------------------------------

ABBREVIATIONS = re.compile(
    r"(?:\b(?:[A-Z]|Mr|Mrs|Ms|Dr|No|Nos|Art|Arts|para|paras|e\.g|i\.e|etc|vs|"
    r"St|Jr|Sr|U\.S|U\.N|U\.K)\.)$"
)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, end-punctuation included."""
    spans, start = [], 0
    for m in re.finditer(r"[.!?](?=[\"”’)]?\s+[\"“(]?[A-Z0-9])", text):
        if ABBREVIATIONS.search(text[max(0, m.start() - 5) : m.end()]):
            continue
        spans.append((start, m.end()))
        start = m.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text.rstrip()):
        spans.append((start, len(text.rstrip())))
    return [s for s in spans if text[s[0] : s[1]].strip()]


# New speech acts inside one sentence: "..., and they call upon", ", they argue".
SPEECH_ACT = (
    r"(?:call|calls|called|argue|argues|argued|urge|urges|urged|appeal|appeals|"
    r"invite|invites|request|requests|support|supports|note|notes|noted|believe|"
    r"believes|consider|considers|hold|holds|stress|stresses|stressed|emphasi[sz]e|"
    r"welcome|welcomes|reaffirm|reaffirmed|express|expressed|agree|agreed|decide|"
    r"decided|resolve|resolved|deem|deems)"
)
CLAUSE_BREAK = re.compile(
    rf";\s+|,\s+(?:and\s+|but\s+)?(?=(?:they|we|They|We)\s+(?:also\s+)?{SPEECH_ACT}\b)"
)


def clause_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentence's clauses: split at semicolons and where a new speech act
    begins; a comma-spliced 'they will ...' restates the same obligation and
    stays with it."""
    spans, at = [], start
    for m in CLAUSE_BREAK.finditer(text, start, end):
        spans.append((at, m.start()))
        at = m.end()
    spans.append((at, end))
    return [(s, e) for s, e in spans if text[s:e].strip(" ,;.")]


# --- cues --------------------------------------------------------------------

MODAL = re.compile(
    r"\b(?:will|shall|should|must|ought\s+to|needs?\s+to|(?:is|are)\s+to(?=\s+"
    r"(?!be\b)[a-z]+)|(?:is|are)\s+(?:going|willing|ready|determined|prepared|"
    r"resolved|committed|intended)\s+to|(?:(?:remain|remains|were|was|have|has|"
    r"fully|firmly|also)\s+)?committed\s+to|intends?\s+to|undertakes?\s+to|"
    r"(?:re)?commits?\s+(?:itself\s+|themselves\s+)?to|pledges?\s+to|plans?\s+to|"
    r"aims?\s+to|seeks?\s+to|will\s+continue|continues?\s+to)\b"
)
NOT_A_MODAL_BEFORE = re.compile(
    r"(?:\b(?:the|political|good|their|its|our|strong|common|free|that|which|"
    r"who|whose)\s*)$",
    re.IGNORECASE,
)
DECISION = re.compile(
    r"\b(?:have|has|had)?\s*(?:agreed|decided|resolved|instructed|"
    r"tasked|mandated|entrusted)\s+(?:that|to|on)\b|\b(?:agree|agrees|decide|"
    r"decides|resolve|resolves)\s+(?:that|to)\b|\b(?:is|are)\s+in\s+agreement\s+"
    r"(?:to|that)\b|\b(?:instruct|instructs|task|tasks|mandate|mandates|charge|"
    r"charges|direct|directs)\s+(?:the\s+)?[A-Z]"
)
CALL = re.compile(
    r"(?<!\bso\s)(?<!\bif\s)(?<!\bbe\s)(?<!\bbeen\s)(?<!\bwas\s)(?<!\bwere\s)"
    r"(?<!\bis\s)(?<!\bare\s)\b(?:(?:call|calls|called)\s+(?:up)?on|(?:urge|urges|"
    r"urged|appeal|appeals|appealed)(?:\s+to)?|(?:invite|invites|invited|request|"
    r"requests|requested|encourage|encourages|encouraged|ask|asks|asked))\s+"
    r"(?=(?:the\s+|all\s+)?[A-Za-z][^.;]{0,150}?\bto\s+[a-z])"
)
NECESSARY_FOR = re.compile(
    r"\b(?:deem|deems|deemed|consider|considers|considered|find|finds|think|"
    r"regard|regards)\s+(?:it\s+)?(?:necessary|important|essential|imperative|"
    r"vital|expedient|advisable|appropriate)\s+(?:for\s+(.+?)\s+)?to\s+"
)
IMPERSONAL = re.compile(
    r"\b(?:[Ii]t\s+is|[Ii]t\s+will\s+be|[Ii]t\s+has\s+become|[Ii]t\s+remains)\s+"
    r"(?:\w+\s+)?(?:necessary|important|essential|imperative|vital|crucial|"
    r"urgent|expedient|advisable)\s+(?:for\s+(.+?)\s+)?to\s+|\b(?:[Aa]n?|[Tt]he)\s+"
    r"(?:\w+\s+)?(?:task|tasks|priority|priorities|objective|goal|aim)\s+"
    r"(?:is|are|will\s+be|remains?)\s+to\s+"
)
IMPORTANCE_OF_DOING = re.compile(
    r"\b(?:note|notes|noted|stress|stresses|stressed|emphasi[sz]e[sd]?|"
    r"underline[sd]?|underscore[sd]?|point(?:ed)?\s+out|recogni[sz]e[sd]?)\s+"
    r"(?:the\s+)?(?:importance|need|necessity|urgency)\s+(?:of|for)\s+"
    r"(?P<act>(?:\w+ly\s+)?(?:taking|implementing|developing|strengthening|"
    r"establishing|ensuring|adopting|creating|enhancing|expanding|promoting|"
    r"building|making|continuing|intensifying|improving|[a-z]+ing\s+(?:the|a|an|"
    r"necessary|effective|further|concrete|practical|joint)\b))"
)
ADVOCACY = re.compile(
    r"\b(?:argue|argues|argued|speak|speaks|spoke|stand|stands)\s+(?:out\s+)?"
    r"(?:in\s+favou?r\s+of|in\s+support\s+of|for)\s+|\b(?:advocate|advocates|"
    r"advocated)\s+|\b(?:call|calls|called)\s+for\s+"
)
BELIEF = re.compile(
    r"\b(?:(?:are|is|were|was)\s+(?:convinced|confident|certain|sure|of\s+the\s+"
    r"(?:view|opinion))|believe|believes|believed|hold|holds|held|consider|"
    r"considers|considered|note|notes|noted|recogni[sz]e[sd]?|stress|stresses|"
    r"stressed|emphasi[sz]e[sd]?|underline[sd]?|reaffirm(?:s|ed)?|welcome[sd]?|"
    r"share\s+the\s+view|maintain|maintains|expect|expects|expected|trust|hope|"
    r"hopes|(?:express|expresses|expressed)\s+(?:their\s+|its\s+|our\s+)?"
    r"(?:confidence|conviction|hope|belief|satisfaction|view|concern|support)|"
    r"(?:are|is)\s+(?:concerned|united|aligned|resolute)|share\s+(?:\w+\s+)?concerns?|"
    r"condemn|condemns|condemned|oppose|opposes|opposed|declare|declares|declared|"
    r"acknowledge|acknowledges|acknowledged|affirm|affirms|affirmed|reiterate[sd]?)\b"
)
# "will hold meetings", "to consider proposals": the verb is the act, no belief.
ACTION_BEFORE = re.compile(
    r"\b(?:will|shall|should|must|to|not|and|also|jointly)\s+(?:\w+ly\s+)?$"
)
ANNOUNCE = re.compile(
    r"\b(?:announce|announces|announced)\s+(?:today\s+)?(?:(?:the|our|a|an|its|"
    r"their)\s+)?(?:[\w-]+[’']?s?\s+){0,5}?(?P<act>commitment|establishment|launch|"
    r"creation|decision|intention|plan|adoption|initiative|programme|program|"
    r"partnership|fund|mechanism|framework|working\s+group|network|fellowship|"
    r"centre|center|track)\b"
)
# Verbs of attitude: "it is necessary to respect ..." states a principle.
ATTITUDE = re.compile(
    r"^(?:\w+ly\s+(?:and\s+\w+ly\s+)?)?(?:respect|recogni[sz]e|acknowledge|"
    r"remember|bear\s+in\s+mind|understand|appreciate|value|note|honou?r|"
    r"observe|uphold|be\s+guided)\b"
)
FUTURE_PASSIVE = re.compile(
    r"\b(?:will|shall)\s+(?:\w+ly\s+)?be\s+(?:\w+ly\s+)?(?:[a-z]+ed|taken|made|"
    r"held|given|set|done|built|paid|put|sent|kept|met|sought|undertaken|drawn|"
    r"laid|begun|chosen|brought|grown|shown|spent|won)\b"
)
LIGHT_PASSIVE = re.compile(
    r"\b(?:attention|priority|measures?|steps?|efforts?|actions?|emphasis|"
    r"consideration|support|assistance|work|preference|importance)\s+"
    r"(?:\w+\s+){0,2}(?:will|shall|should|must|needs?\s+to)\s+(?:also\s+)?be\s+"
    r"(?:\w+ly\s+)?(?:paid|given|assigned|taken|made|undertaken|placed|focused|"
    r"attached|accorded|devoted|provided|continued|stepped\s+up|intensified)\b",
    re.IGNORECASE,
)
PASSIVE_BY = re.compile(
    r"\b(?:should|will|shall|must)\s+(?:\w+ly\s+)?be\s+(?:\w+ly\s+)?[a-z]+(?:ed|"
    r"en|ne|t)\s+(?:out\s+|up\s+)?by\s+"
)
SO = re.compile(r"\b(?:continue\s+)?(?:doing|to\s+do|do)\s+so\b")


@dataclasses.dataclass
class Cue:
    """Why a clause is a commitment and where its parts are."""

    kind: str  # decision, pledge or call
    what: str  # modal, decision, call, advocacy, impersonal, passive, ...
    start: int  # where the cue begins in the paragraph
    end: int  # where the act it introduces begins
    subject: tuple[int, int] | None = None  # the span that names the actor
    addressee: tuple[int, int] | None = None
    embedded: bool = False  # under a belief or decision frame ('that ...')
    quote_from: int | None = None


def first_modal(text: str, start: int, end: int) -> re.Match | None:
    for m in MODAL.finditer(text, start, end):
        before = text[max(start, m.start() - 12) : m.start()]
        if NOT_A_MODAL_BEFORE.search(before):
            continue
        return m
    return None


def subject_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The stretch before a verb that names its subject: the last
    comma-separated segment that is not a parenthesis ('by the next 2006
    Summit', 'jointly with the Secretariat', 'almost fully established')."""
    segments, at = [], start
    for m in re.finditer(r",", text[start:end]):
        segments.append((at, start + m.start()))
        at = start + m.end()
    segments.append((at, end))
    for s, e in reversed(segments):
        piece = text[s:e].strip()
        if not piece:
            continue
        first = piece.split()[0].lower()
        if (
            first in PARENTHESIS_STARTS
            or first.endswith("ly")
            or first.endswith("ed")
            or (first.endswith("ing") and first not in ("king",))
        ):
            continue
        lead = len(text[s:e]) - len(text[s:e].lstrip())
        return s + lead, e
    return start, end


PARENTHESIS_STARTS = {
    "by",
    "in",
    "at",
    "on",
    "with",
    "within",
    "jointly",
    "together",
    "as",
    "including",
    "almost",
    "also",
    "for",
    "to",
    "from",
    "under",
    "through",
    "after",
    "before",
    "during",
    "until",
    "given",
    "based",
    "having",
    "guided",
    "simultaneously",
    "moreover",
    "furthermore",
    "importantly",
    "regardless",
    "inter",
    "among",
    "alongside",
    "where",
    "when",
    "if",
    "while",
    "whereas",
    "since",
    "because",
    "so",
    "such",
    "thus",
    "hence",
    "therefore",
    "first",
    "second",
    "third",
    "finally",
    "today",
    "now",
}


def find_cue(text: str, start: int, end: int) -> Cue | None:
    """The cue that makes text[start:end] a commitment, or None."""
    clause = text[start:end]
    if m := ADVOCACY.search(clause):
        return Cue("pledge", "advocacy", start + m.start(), start + m.end())
    if m := NECESSARY_FOR.search(clause):
        who = (start + m.start(1), start + m.end(1)) if m.group(1) else None
        act = text[start + m.end() : end]
        if ATTITUDE.match(act):
            return None
        return Cue(
            "call" if who else "pledge",
            "necessary",
            start + m.start(),
            start + m.end(),
            addressee=who,
        )
    if m := CALL.search(clause):
        return Cue("call", "call", start + m.start(), start + m.end())
    if m := IMPORTANCE_OF_DOING.search(clause):
        return Cue("pledge", "importance", start + m.start(), start + m.start("act"))
    if m := ANNOUNCE.search(clause):
        kind = (
            "pledge" if m["act"] in ("commitment", "intention", "plan") else "decision"
        )
        act = re.match(r"\w+\s+to\s+", clause[m.start("act") :])
        begins = m.start("act") + (act.end() if act and kind == "pledge" else 0)
        return Cue(kind, "announcement", start + m.start(), start + begins)
    if m := DECISION.search(clause):
        embedded = m.group().rstrip().endswith("that")
        cue = Cue(
            "decision",
            "decision",
            start + m.start(),
            start + m.end(),
            embedded=embedded,
        )
        if embedded:
            cue.quote_from = start + m.end()
        return cue
    if m := IMPERSONAL.search(clause):
        act = text[start + m.end() : end]
        if ATTITUDE.match(act):
            return None
        who = (start + m.start(1), start + m.end(1)) if m.group(1) else None
        return Cue("pledge", "impersonal", start + m.start(), start + m.end(), who)
    frame = next(
        (
            m
            for m in BELIEF.finditer(clause)
            if not ACTION_BEFORE.search(clause[max(0, m.start() - 24) : m.start()])
        ),
        None,
    )
    modal = first_modal(text, start, end)
    if frame and (modal is None or start + frame.start() < modal.start()):
        that = re.search(r"\bthat\b", clause[frame.end() : frame.end() + 40])
        if not that:
            return None  # "noted an important role of ...": no clause framed
        inner = start + frame.end() + that.end()
        return modal_cue(text, inner, end, embedded=True)
    return modal_cue(text, start, end)


def modal_cue(text: str, start: int, end: int, *, embedded=False) -> Cue | None:
    clause = text[start:end]
    if m := LIGHT_PASSIVE.search(clause):
        return Cue(
            "pledge",
            "passive",
            start + m.start(),
            start + m.end(),
            embedded=embedded,
            quote_from=start if embedded else None,
        )
    if m := PASSIVE_BY.search(clause):
        return Cue(
            "decision" if "decided" in m.group() else "pledge",
            "passive-by",
            start + m.start(),
            start + m.end(),
            embedded=embedded,
            quote_from=start if embedded else None,
        )
    modal = first_modal(text, start, end)
    if modal is None:
        return None
    if FUTURE_PASSIVE.match(text, modal.start()):
        return Cue(
            "pledge",
            "passive",
            modal.start(),
            modal.end(),
            embedded=embedded,
            quote_from=start if embedded else None,
        )
    if re.match(r"\s+(?:not\s+)?be\s+(?!\w+ed\b)", text[modal.end() : end]) and not (
        re.match(
            r"\s+be\s+(?:making|taking|working|doing|playing)", text[modal.end() :]
        )
    ):
        return None  # "will be more stable", "should be systemic": a state
    if re.match(r"\s+(?:not\s+)?be\s+\w+ed\b", text[modal.end() : end]):
        return None  # "should be based on ...": a principle, no actor asked
    return Cue(
        "pledge",
        "modal",
        modal.start(),
        modal.end(),
        subject=subject_span(text, start, modal.start()),
        embedded=embedded,
        quote_from=start if embedded else None,
    )
