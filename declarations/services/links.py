"""Links between commitments: suggested from close wording, decided by an editor.

``links_suggest`` compares a declaration's commitments (and the paragraphs where
none is coded yet) with the quotes of commitments of the other declarations
adopted on or before it, and stores each close pair as a *suggested* link.
Nothing is applied: ``link_confirm`` makes a link public, ``link_dismiss`` keeps
it as decided-against, so it is not suggested again.
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rapidfuzz import fuzz, process, utils

from ..models import Commitment, CommitmentLink, Declaration, LinkState, LinkType
from ..page_cache import pages_changed

# The wording test: rapidfuzz's token_set_ratio (0-100) on texts lower-cased
# and stripped of punctuation. It scores 100 when one text's words are all in
# the other (a promise repeated inside a longer paragraph) and falls quickly
# for texts that share only the topic: on the Astana wordings, a reworded
# promise ("the Parties will accelerate the founding of the SCO Development
# Fund" / "the member states will accelerate the establishment of ...") scores
# 83, a sentence about the same fund with a different task 70, unrelated ones
# under 50.
SUGGEST_SCORER = fuzz.token_set_ratio
SUGGEST_THRESHOLD = 80
# Shorter texts share their few words by chance ("will cooperate closely").
SUGGEST_MIN_CHARACTERS = 40
# At most this many suggestions for one commitment or paragraph, closest first.
SUGGESTIONS_PER_TEXT = 3


@dataclasses.dataclass(frozen=True)
class UncodedMatch:
    """A paragraph with no commitment coded whose wording is close to an earlier
    commitment's quote: reported, not stored (a link joins two commitments)."""

    paragraph_number: int
    reference: str
    score: float


@dataclasses.dataclass
class SuggestResult:
    created: list = dataclasses.field(default_factory=list)
    uncoded: list = dataclasses.field(default_factory=list)


def _closest(text: str, choices: dict[int, str]) -> list[tuple[int, float]]:
    if len(text) < SUGGEST_MIN_CHARACTERS or not choices:
        return []
    found = process.extract(
        text,
        choices,
        scorer=SUGGEST_SCORER,
        processor=utils.default_process,
        score_cutoff=SUGGEST_THRESHOLD,
        limit=SUGGESTIONS_PER_TEXT,
    )
    return [(key, score) for _, score, key in found]


@transaction.atomic
def links_suggest(*, declaration: Declaration) -> SuggestResult:
    """Store a suggested 'repeats' link from each of the declaration's
    commitments to each earlier commitment of another declaration whose quote
    is close to its quote (see SUGGEST_THRESHOLD); return the new links and the
    close paragraphs that have no commitment yet. A pair already linked, in any
    state or type or direction, is not suggested again."""
    earlier = (
        Commitment.objects.exclude(declaration=declaration)
        .filter(declaration__date__lte=declaration.date)
        .values_list("pk", "quote", "reference")
    )
    quotes, references = {}, {}
    for pk, quote, reference in earlier:
        if len(quote) >= SUGGEST_MIN_CHARACTERS:
            quotes[pk], references[pk] = quote, reference
    result = SuggestResult()
    if not quotes:
        return result
    own = list(declaration.commitments.values_list("pk", "quote", "paragraph_id"))
    linked = set()
    for a, b in CommitmentLink.objects.touching(pk for pk, _, _ in own).values_list(
        "from_commitment_id", "to_commitment_id"
    ):
        linked.update({(a, b), (b, a)})
    for pk, quote, _ in own:
        for other, score in _closest(quote, quotes):
            if (pk, other) in linked:
                continue
            link = CommitmentLink(
                from_commitment_id=pk,
                to_commitment_id=other,
                type=LinkType.REPEATS,
                state=LinkState.SUGGESTED,
                score=round(score, 1),
                note=f"Suggested by suggest_links: the wording is close to "
                f"{references[other]}'s quote ({SUGGEST_SCORER.__name__} "
                f"{score:.0f}, threshold {SUGGEST_THRESHOLD}). Check the type.",
            )
            link.full_clean()
            link.save()
            linked.update({(pk, other), (other, pk)})
            result.created.append(link)
    coded = {paragraph for _, _, paragraph in own}
    for number, text in (
        declaration.paragraphs.exclude(pk__in=coded)
        .order_by("number")
        .values_list("number", "text")
    ):
        result.uncoded.extend(
            UncodedMatch(number, references[other], score)
            for other, score in _closest(text, quotes)
        )
    return result


def _locked_suggestion(link: CommitmentLink) -> CommitmentLink:
    link = CommitmentLink.objects.select_for_update().get(pk=link.pk)
    if link.state != LinkState.SUGGESTED:
        raise ValidationError(
            {"state": f"This link was already {link.get_state_display().lower()}."}
        )
    return link


@transaction.atomic
def link_confirm(
    *, link: CommitmentLink, confirmed_by, type: str | None = None
) -> CommitmentLink:
    """Confirm a suggested link (with its type changed, if given): from now on
    it is public. Refused for a link already decided."""
    link = _locked_suggestion(link)
    if type is not None:
        link.type = type
    link.state = LinkState.CONFIRMED
    link.decided_by, link.decided_at = confirmed_by, timezone.now()
    link.full_clean()
    link.save()
    pages_changed()
    return link


@transaction.atomic
def link_dismiss(*, link: CommitmentLink, dismissed_by) -> CommitmentLink:
    """Dismiss a suggested link: kept, never shown, never suggested again."""
    link = _locked_suggestion(link)
    link.state = LinkState.DISMISSED
    link.decided_by, link.decided_at = dismissed_by, timezone.now()
    link.full_clean()
    link.save()
    return link
