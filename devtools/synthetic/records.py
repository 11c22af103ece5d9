"""Each commitment's record: its evidence, and its assessments with their citations
and the status periods they make."""

import bisect
import datetime
import functools
from typing import TYPE_CHECKING

from django.utils.text import slugify

from declarations.models import Assessment, DatePrecision, Evidence, Review, Status

from .rows import build
from .vocabulary import (
    ASSESSABLE,
    CONFIDENCES,
    DATE_PRECISIONS,
    DIRECTIONS,
    NEXT_STATUS,
    PLACES,
    PUBLISHERS,
    RATIONALES,
    RETRACTION_REASONS,
    VERBS_BY_DIRECTION,
)

if TYPE_CHECKING:
    from .generator import Generator

Citation = Assessment.evidence.through


@functools.cache
def _slug(text: str) -> str:
    return slugify(text)


def write_evidence(gen: "Generator", pk, links, obj, declared, end, count, rows):
    """Write the evidence; return (pk, event date, retracted) for each."""
    rng, s = gen.rng, gen.summary
    records = []
    actors = [b.label for b, _ in links] or ["The Secretariat"]
    first_pk = gen.take(Evidence, count)
    for offset in range(count):
        event_date = gen.day(declared, end, skew=1.6)
        precision = rng.choices(DATE_PRECISIONS, cum_weights=(85, 95, 100))[0]
        if precision == DatePrecision.MONTH:
            rounded = event_date.replace(day=1)
        elif precision == DatePrecision.YEAR:
            rounded = event_date.replace(month=1, day=1)
        else:
            rounded = event_date
        if rounded < declared:
            precision, rounded = DatePrecision.DAY, event_date
        direction = rng.choices(DIRECTIONS, cum_weights=(60, 75, 100))[0]
        verb = rng.choice(VERBS_BY_DIRECTION[direction])
        actor = rng.choice(actors)
        publisher, domain = rng.choice(PUBLISHERS)
        evidence_pk = first_pk + offset
        logged_at = gen.moment(event_date, rng.randint(0, 200))
        accessed = (
            None
            if rng.random() < 0.1
            else min(
                event_date + datetime.timedelta(days=rng.randint(0, 400)),
                gen.until,
            )
        )
        summary = f"{actor} {verb} {obj} ({rng.choice(PLACES)})."
        evidence = build(
            Evidence,
            pk=evidence_pk,
            commitment_id=pk,
            event_date=rounded,
            event_date_precision=precision,
            summary=summary,
            source_title=f"{actor} {verb} {obj}"[:500],
            source_publisher=publisher,
            source_url=f"https://{domain}/{event_date.year}/"
            f"{event_date.month:02d}/{_slug(obj)[:40]}-{evidence_pk}",
            accessed_on=accessed,
            excerpt=f"“{actor} {verb} {obj}”, the statement said."
            if rng.random() < 0.35
            else "",
            direction=direction,
            logged_at=logged_at,
        )
        retracted = rng.random() < 0.02
        if retracted:
            evidence.retracted_at = min(
                logged_at + datetime.timedelta(days=rng.randint(1, 300)),
                gen.limit,
            )
            evidence.retraction_reason = rng.choice(RETRACTION_REASONS)
            s.evidence_retracted += 1
        rows[Evidence].append(evidence)
        records.append((evidence_pk, rounded, retracted))
    s.evidence += count
    return records


# -- assessments


def write_assessments(
    gen: "Generator", pk, obj, declared, end, states, evidence, count, rows
):
    """Write the assessments, their citations and the status periods; return
    the current status, the first day of its run and the first implementation
    date, as ``services.commitment_refresh_status`` would set them."""
    rng, s = gen.rng, gen.summary
    if not count:
        return Status.UNASSESSED, None, None
    for_states = 0
    if states and count >= 2:
        for_states = round(count * rng.uniform(0.2, 0.5))
    scopes = [None] * (count - for_states) + [
        rng.choice(states) for _ in range(for_states)
    ]
    built = []  # (recorded_at, order, Assessment fields)
    for scope in dict.fromkeys(scopes):
        n = scopes.count(scope)
        dates = sorted(gen.day(declared, end, skew=1.3) for _ in range(n))
        status, previous = None, None
        for as_of in dates:
            item = {"member_state": scope}
            if previous and not previous["corrected"] and rng.random() < 0.04:
                previous["corrected"] = True
                item.update(
                    as_of=previous["as_of"],
                    status=rng.choice(
                        [x for x in ASSESSABLE if x != previous["status"]]
                    ),
                    recorded_at=min(
                        previous["recorded_at"]
                        + datetime.timedelta(days=rng.randint(1, 60)),
                        gen.limit,
                    ),
                    corrects=previous,
                )
                s.corrections += 1
            else:
                choices, weights = zip(*NEXT_STATUS[status], strict=True)
                status = rng.choices(choices, weights=weights)[0]
                item.update(
                    as_of=as_of,
                    status=status,
                    recorded_at=gen.moment(as_of, rng.randint(0, 45)),
                    corrects=None,
                )
            item["corrected"] = False
            built.append(item)
            previous = item
    # Later recorded, higher key (a correction always follows what it corrects).
    built.sort(key=lambda item: item["recorded_at"])
    first_pk = gen.take(Assessment, count)
    for offset, item in enumerate(built):
        item["pk"] = first_pk + offset
    standing = [(e_pk, day) for e_pk, day, retracted in evidence if not retracted]
    for item in built:
        as_of, status = item["as_of"], item["status"]
        cited = [e_pk for e_pk, day in standing if day <= as_of]
        # A closed status cites at least one entry where there is one.
        least = 1 if status in Status.needing_evidence() else 0
        cited = rng.sample(
            cited, min(len(cited), max(least, rng.choice((0, 1, 1, 2, 2, 3))))
        )
        successor = (
            _successor(gen, declared, as_of) if status == Status.SUPERSEDED else None
        )
        rows[Assessment].append(
            build(
                Assessment,
                pk=item["pk"],
                commitment_id=pk,
                status=status,
                member_state_id=item["member_state"],
                confidence=rng.choices(CONFIDENCES, cum_weights=(2, 7, 10))[0],
                rationale=_rationale(item, obj, len(cited)),
                as_of=as_of,
                recorded_at=item["recorded_at"],
                corrects_id=item["corrects"]["pk"] if item["corrects"] else None,
                superseded_by_id=successor,
                superseding_decision="A later decision of the organisation"
                if status == Status.SUPERSEDED and successor is None
                else "",
                review=Review.PUBLISHED,
                published_at=item["recorded_at"],
            )
        )
        for e_pk in cited:
            rows[Citation].append(
                build(
                    Citation,
                    pk=gen.take(Citation),
                    assessment_id=item["pk"],
                    evidence_id=e_pk,
                )
            )
        s.citations += len(cited)
    s.assessments += count
    s.member_state_assessments += for_states


def _rationale(item, obj, cited: int) -> str:
    text = RATIONALES[item["status"]].format(object=obj)
    if item["corrects"]:
        text = (
            f"Corrects the assessment recorded on "
            f"{item['corrects']['recorded_at']:%-d %B %Y}: {text}"
        )
    return f"{text} Cited sources: {cited}."


def _successor(gen: "Generator", declared, as_of):
    """A commitment of a later declaration, adopted by ``as_of``, or None."""
    if gen.rng.random() < 0.3:
        return None
    lo = bisect.bisect_right(gen.plan_dates, declared)
    hi = bisect.bisect_right(gen.plan_dates, as_of)
    if lo >= hi:
        return None
    plan = gen.plans[gen.rng.randrange(lo, hi)]
    if not plan.commitments:
        return None
    return plan.first_commitment_pk + gen.rng.randrange(plan.commitments)
