"""Synthetic data at scale, for load tests and benchmarks.

``generate()`` fills the database with realistic declarations (paragraphs in
sections, quotes verbatim in their paragraph), a few hundred bodies in a hierarchy,
commitments with their bodies and exactly one deadline each, evidence and
assessments, in the sizes asked for.

How it stays fast and right:

- Everything is drawn from one ``random.Random(seed)``: the same seed, sizes and
  last day give the same rows.
- Rows are written with ``bulk_create`` in batches, one chunk of declarations at a
  time, inside one transaction (all or nothing). Memory holds one chunk.
- Primary keys are assigned here, from the highest one in use, so rows can point at
  each other before they are saved; the sequences are reset at the end.
- ``bulk_create`` sends no signals, so django-simple-history writes no historical
  rows for the bulk data (which is what a bulk load wants).
- Each commitment's current status is computed here, from the assessments
  generated for it, by the rule ``services.commitment_refresh_status`` applies.

The ``Generator`` here runs it and writes the declarations, paragraphs and
commitments. The plan of the run is drawn in ``plans.py``, the bodies come from
``bodies.py``, each commitment's deadline is built in ``deadlines.py`` and its
evidence and assessments in ``records.py``, all with the fast rows of ``rows.py``.
"""

import datetime
import itertools
import math
import random
import time

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify

from declarations.models import (
    Assessment,
    Body,
    BodyKind,
    Commitment,
    CommitmentBody,
    CommitmentKind,
    CommitmentState,
    Deadline,
    DeadlineRevision,
    Declaration,
    Evidence,
    Paragraph,
    Role,
    StatusPeriod,
)
from declarations.services import status_derive

from .bodies import _Body, load_bodies
from .deadlines import FORCED_DEADLINES, write_deadline
from .plans import PREFIX, plan_declarations, plan_records
from .records import Citation, write_assessments, write_evidence
from .rows import build, read_ahead
from .summary import Summary
from .vocabulary import (
    DOCUMENT_KINDS,
    FILLER,
    LEAD_INS,
    PLACES,
    THEME_NAMES,
    THEMES,
    VERBS,
)

BATCH_SIZE = 5_000
CHUNK_COMMITMENTS = 5_000
COMMITMENTS_PER_DECLARATION = 40
YEARS_OF_RECORD = 20  # evidence and assessments run this long after a declaration


class SyntheticRefused(ValueError):
    """The database is not in a state the generator may write to."""


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10)
    return f"{n}{suffix or 'th'}"


# -- The generator ------------------------------------------------------------------


class Generator:
    """One run of the generator; ``run()`` writes everything or nothing."""

    def __init__(
        self,
        *,
        commitments: int,
        evidence: int,
        assessments: int,
        declarations: int | None = None,
        seed: int = 0,
        until: datetime.date | None = None,
        append: bool = False,
        batch_size: int = BATCH_SIZE,
        chunk_size: int = CHUNK_COMMITMENTS,
        progress=None,
    ):
        if min(commitments, evidence, assessments) < 0:
            raise SyntheticRefused("Counts cannot be negative.")
        if commitments == 0 and (evidence or assessments):
            raise SyntheticRefused(
                "Evidence and assessments need commitments: give --commitments."
            )
        if declarations is None:
            declarations = math.ceil(commitments / COMMITMENTS_PER_DECLARATION)
        if declarations < 0 or (commitments and declarations == 0):
            raise SyntheticRefused("Commitments need at least one declaration.")
        today = timezone.localdate()
        until = until or today
        if until > today:
            raise SyntheticRefused(
                f"The last day {until} is in the future: nothing may be dated after "
                f"today ({today})."
            )
        self.n_commitments = commitments
        self.n_evidence = evidence
        self.n_assessments = assessments
        self.n_declarations = declarations
        self.seed = seed
        self.until = until
        # Nothing is recorded after the start of the last day (never in the future).
        self.tz = timezone.get_current_timezone()
        self.limit = timezone.make_aware(
            datetime.datetime.combine(until, datetime.time())
        )
        self.append = append
        self.batch_size = batch_size
        self.chunk_size = chunk_size
        self.progress = progress
        self.rng = random.Random(seed)
        self.summary = Summary()

    # -- entry point

    def run(self) -> Summary:
        started = time.monotonic()
        # Under DEBUG every query is logged: that would keep each multi-megabyte
        # INSERT in memory and format it first.
        with override_settings(DEBUG=False), transaction.atomic():
            existing = Commitment.objects.count()
            if existing and not self.append:
                raise SyntheticRefused(
                    f"The database already holds {existing:,} commitments; nothing "
                    "was written. Use --append to add synthetic data to them, or "
                    "start from an empty database."
                )
            self._next_pk = {
                model: (model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
                for model in (
                    Body,
                    Declaration,
                    Paragraph,
                    Commitment,
                    CommitmentBody,
                    DeadlineRevision,
                    Evidence,
                    Assessment,
                    Citation,
                )
            }
            self._load_bodies()
            plans = plan_declarations(
                self.rng,
                self.take,
                declarations=self.n_declarations,
                commitments=self.n_commitments,
                until=self.until,
            )
            # A superseded commitment's successor is drawn from these.
            self.plans, self.plan_dates = plans, [p.date for p in plans]
            evidence_counts, assessment_counts = plan_records(
                self.rng, self.n_commitments, self.n_evidence, self.n_assessments
            )
            first_commitment = self._next_pk[Commitment]
            self._write_chunks(plans, evidence_counts, assessment_counts)
            self._reset_sequences()
            # The derivation's queries are planned on the new rows' statistics.
            self._analyze(self._written_models())
            # Bulk inserts bypass the services: derive the new commitments' status
            # with the one writer of it, as every other path does.
            status_derive(
                commitment_ids=range(first_commitment, self._next_pk[Commitment])
                if self.append
                else None
            )
        self._analyze((StatusPeriod, CommitmentState))
        self.summary.seconds = time.monotonic() - started
        return self.summary

    @staticmethod
    def _analyze(models) -> None:
        """Planner statistics for the new rows, as autovacuum would gather later
        (ANALYZE sees the transaction's own rows)."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(
                    f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}"
                )

    def take(self, model, count: int = 1) -> int:
        """Reserve ``count`` primary keys of a model; return the first."""
        first = self._next_pk[model]
        self._next_pk[model] = first + count
        return first

    @staticmethod
    def _written_models():
        return (
            Body,
            Declaration,
            Paragraph,
            Commitment,
            CommitmentBody,
            Deadline,
            DeadlineRevision,
            Evidence,
            Assessment,
            Citation,
        )

    def _reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(
            no_style(), list(self._written_models())
        )
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    # -- bodies

    def _load_bodies(self) -> None:
        """The catalogue's bodies (see ``load_bodies``) by kind, and the weights
        they are drawn with."""
        bodies = load_bodies(self.take, self.summary, self.batch_size)
        self.organs = [b for b in bodies if b.kind == BodyKind.ORGAN]
        self.states = [b for b in bodies if b.kind == BodyKind.MEMBER_STATE]
        self.externals = [b for b in bodies if b.kind == BodyKind.EXTERNAL]
        # A few organs carry most of the work, as real ones do.
        self.rng.shuffle(self.organs)
        self.organ_weights = list(
            itertools.accumulate(
                1 / (rank + 1) ** 0.9 for rank in range(len(self.organs))
            )
        )
        self.rng.shuffle(self.externals)
        self.external_weights = list(
            itertools.accumulate(
                1 / (rank + 1) ** 0.7 for rank in range(len(self.externals))
            )
        )

    def _organ(self) -> _Body:
        return self.rng.choices(self.organs, cum_weights=self.organ_weights)[0]

    def _external(self) -> _Body:
        return self.rng.choices(self.externals, cum_weights=self.external_weights)[0]

    # -- writing

    def _chunks(self, plans, evidence_counts, assessment_counts):
        """Yield the rows of a few thousand commitments at a time (by model), with
        how many commitments they hold."""
        rows: dict = {model: [] for model in self._written_models()}
        pending = index = 0  # index: the commitment's position in this run
        for plan in plans:
            self._declaration(plan, rows, evidence_counts, assessment_counts, index)
            index += plan.commitments
            pending += plan.commitments
            if pending >= self.chunk_size:
                yield rows, pending
                rows, pending = {model: [] for model in self._written_models()}, 0
        yield rows, pending

    def _write_chunks(self, plans, evidence_counts, assessment_counts) -> None:
        bar = self.progress(total=self.n_commitments) if self.progress else None
        # The next chunk is built while this one is written: the database works
        # on one core while Python builds rows on the other.
        for rows, count in read_ahead(
            self._chunks(plans, evidence_counts, assessment_counts)
        ):
            self._flush(rows)
            if bar:
                bar.update(count)
                bar.set_postfix(
                    evidence=f"{self.summary.evidence:,}",
                    assessments=f"{self.summary.assessments:,}",
                )
        if bar:
            bar.close()

    def _flush(self, rows: dict) -> None:
        for model in self._written_models():
            if rows[model]:
                model._base_manager.bulk_create(rows[model], batch_size=self.batch_size)
                rows[model] = []

    # -- one declaration

    def _declaration(self, plan, rows, evidence_counts, assessment_counts, index):
        rng, s = self.rng, self.summary
        place = rng.choice(PLACES)
        prefix = f"{PREFIX}{plan.number:04d}"
        title = rng.choice(DOCUMENT_KINDS).format(n=ordinal(plan.number)) + f", {place}"
        declaration = build(
            Declaration,
            pk=self.take(Declaration),
            slug=f"syn{plan.number:04d}-{slugify(place)}-{plan.date.year}",
            title=title,
            place=place,
            date=plan.date,
            source="Synthetic data (generate_synthetic)",
            reference_prefix=prefix,
            header_fields={
                "Title": title,
                "Place": place,
                "Date": f"{plan.date:%B} {plan.date.day}, {plan.date.year}",
                "Source": "Synthetic data (generate_synthetic)",
            },
            banner=f"Synthetic declaration generated with seed {self.seed}; "
            "not a real document.",
        )
        # Paragraphs: a preamble, commitments one to three to a paragraph with a
        # few paragraphs between them, a closing; sections every few paragraphs.
        layout: list[list[int]] = [[] for _ in range(rng.randint(2, 4))]
        left = plan.commitments
        while left:
            take = min(left, rng.choices((1, 2, 3), weights=(70, 22, 8))[0])
            layout.append(list(range(take)))
            left -= take
            if rng.random() < 0.25:
                layout.append([])
        layout += [[] for _ in range(rng.randint(1, 2))]

        theme_order = rng.sample(THEME_NAMES, k=min(4, len(THEME_NAMES)))
        end = min(
            plan.date.replace(year=plan.date.year + YEARS_OF_RECORD)
            if not (plan.date.month == 2 and plan.date.day == 29)
            else plan.date + datetime.timedelta(days=365 * YEARS_OF_RECORD),
            self.until,
        )
        section, next_break = 1, rng.randint(4, 10)
        texts_by_section: list[list[str]] = [[]]
        commitment_pk = plan.first_commitment_pk
        for number, slots in enumerate(layout, start=1):
            if number > next_break:
                section += 1
                next_break = number + rng.randint(4, 10)
                texts_by_section.append([])
            theme = rng.choice(theme_order)
            paragraph_pk = self.take(Paragraph)
            if not slots:
                text = rng.choice(FILLER).format(object=rng.choice(THEMES[theme]))
            else:
                sentences = []
                if rng.random() < 0.4:
                    sentences.append(rng.choice(LEAD_INS).format(theme=theme.lower()))
                for slot in slots:
                    letter = "abc"[slot] if len(slots) > 1 else ""
                    sentence = self._commitment(
                        pk=commitment_pk,
                        reference=f"{prefix}-{number:03d}{letter}",
                        declaration=declaration,
                        paragraph_pk=paragraph_pk,
                        theme=theme,
                        end=end,
                        evidence_count=evidence_counts[index],
                        assessment_count=assessment_counts[index],
                        forced=index if index < len(FORCED_DEADLINES) else None,
                        rows=rows,
                    )
                    sentences.append(sentence)
                    commitment_pk += 1
                    index += 1
                text = " ".join(sentences)
            rows[Paragraph].append(
                build(
                    Paragraph,
                    pk=paragraph_pk,
                    declaration_id=declaration.pk,
                    number=number,
                    section=section,
                    text=text,
                )
            )
            texts_by_section[-1].append(text)
        # The full text as the importer reads it: paragraphs separated by a blank
        # line, sections by two.
        declaration.full_text = "\n\n\n".join(
            "\n\n".join(texts) for texts in texts_by_section
        )
        header = "\n".join(
            f"[{k}] {v}" for k, v in sorted(declaration.header_fields.items())
        )
        declaration.content_hash = Declaration.hash_text(
            f"{declaration.banner}\n{header}\n{declaration.full_text}"
        )
        rows[Declaration].append(declaration)
        s.declarations += 1
        s.paragraphs += len(layout)

    # -- one commitment, its bodies, deadline, evidence and assessments

    def _commitment(
        self,
        *,
        pk,
        reference,
        declaration,
        paragraph_pk,
        theme,
        end,
        evidence_count,
        assessment_count,
        forced,
        rows,
    ) -> str:
        """Build the commitment's rows into ``rows``; return its sentence."""
        rng, s = self.rng, self.summary
        kind = rng.choices(
            (CommitmentKind.DECISION, CommitmentKind.PLEDGE, CommitmentKind.CALL),
            weights=(30, 50, 20),
        )[0]
        links: list[tuple[_Body, str]] = []
        if kind == CommitmentKind.CALL:
            links.append((self._external(), Role.ADDRESSEE))
            if rng.random() < 0.3:
                links.append((self._external(), Role.ADDRESSEE))
            if rng.random() < 0.4:
                links.append((self._organ(), Role.RESPONSIBLE))
            subject = f"The Heads of State call on the {links[0][0].name} to"
            short = f"Call on {links[0][0].label} to"
        elif kind == CommitmentKind.PLEDGE and self.states and rng.random() < 0.45:
            count = rng.randint(2, min(4, len(self.states)))
            links += [(b, Role.RESPONSIBLE) for b in rng.sample(self.states, count)]
            subject = rng.choice(("The member states will", "The Parties will"))
            short = "Member states to"
        else:
            responsible = self._organ()
            links.append((responsible, Role.RESPONSIBLE))
            subject = f"The {responsible.name} {rng.choice(('will', 'shall'))}"
            short = f"{responsible.label} to"
        while len(links) < 4 and rng.random() < 0.35:
            candidate = rng.choice(
                (self._organ, self._organ, self._external, self._state)
            )()
            links.append((candidate, rng.choice((Role.SUPPORTING, Role.ADDRESSEE))))
        # One link per body: the first role drawn for it stands.
        unique: dict[int, tuple[_Body, str]] = {}
        for body, role in links:
            unique.setdefault(body.pk, (body, role))
        links = list(unique.values())
        for body, role in links:
            rows[CommitmentBody].append(
                build(
                    CommitmentBody,
                    pk=self.take(CommitmentBody),
                    commitment_id=pk,
                    body_id=body.pk,
                    role=role,
                )
            )
        s.body_links += len(links)
        states = [b.pk for b, _ in links if b.kind == BodyKind.MEMBER_STATE]

        verb, obj = rng.choice(VERBS), rng.choice(THEMES[theme])
        wording = write_deadline(self, pk, declaration.date, forced, rows)
        sentence = f"{subject} {verb} {obj}{' ' + wording if wording else ''}."
        title = f"{short} {verb} {obj}"
        evidence = write_evidence(
            self, pk, links, obj, declaration.date, end, evidence_count, rows
        )
        write_assessments(
            self,
            pk,
            obj,
            declaration.date,
            end,
            states,
            evidence,
            assessment_count,
            rows,
        )
        rows[Commitment].append(
            build(
                Commitment,
                pk=pk,
                declaration_id=declaration.pk,
                paragraph_id=paragraph_pk,
                reference=reference,
                title=(title[:1].upper() + title[1:])[:300],
                theme=theme,
                kind=kind,
                quote=sentence,
            )
        )
        s.commitments += 1
        return sentence

    def _state(self) -> _Body:
        return self.rng.choice(self.states) if self.states else self._organ()

    # -- dates

    def day(self, first: datetime.date, last: datetime.date, skew=1.0):
        """A day from first to last, earlier days likelier when skew > 1."""
        span = (last - first).days
        return first + datetime.timedelta(days=round(span * self.rng.random() ** skew))

    def moment(self, day: datetime.date, days_later: int = 0) -> datetime.datetime:
        """A moment during the working hours of ``day`` (plus days), never after the
        start of the last day."""
        moment = datetime.datetime.combine(
            day, datetime.time(8), tzinfo=self.tz
        ) + datetime.timedelta(days=days_later, seconds=self.rng.randrange(12 * 3600))
        return min(moment, self.limit)


def generate(**options) -> Summary:
    """Generate and write synthetic data (see ``Generator``); return what was made."""
    return Generator(**options).run()
