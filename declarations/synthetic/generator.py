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
"""

import bisect
import dataclasses
import datetime
import functools
import itertools
import math
import queue
import random
import re
import threading
import time

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.base import ModelState
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify

from ..models import (
    Assessment,
    Body,
    BodyKind,
    Commitment,
    CommitmentBody,
    CommitmentKind,
    DatePrecision,
    Deadline,
    DeadlineKind,
    DeadlineRevision,
    Declaration,
    Evidence,
    LedgerVersion,
    Paragraph,
    Precision,
    Role,
    Status,
    StatusPeriod,
)
from ..models.deadlines import window_for
from ..models.status import first_implemented, periods_from
from .vocabulary import (
    ASSESSABLE,
    CHG,
    CONFIDENCES,
    DATE_PRECISIONS,
    DIRECTIONS,
    DOCUMENT_KINDS,
    EXTERNAL,
    FILLER,
    LEAD_INS,
    MEMBER_STATES,
    NEXT_STATUS,
    PLACES,
    PORTFOLIOS,
    PRECISIONS,
    PUBLISHERS,
    QUARTERS,
    RATIONALES,
    RETRACTION_REASONS,
    SEASONS,
    SECRETARIAT,
    THEME_NAMES,
    THEMES,
    TOP_ORGANS,
    VAGUE_WORDINGS,
    VERBS,
    VERBS_BY_DIRECTION,
)

PREFIX = "SYN"
BATCH_SIZE = 5_000
CHUNK_COMMITMENTS = 5_000
COMMITMENTS_PER_DECLARATION = 40
YEARS_OF_RECORD = 20  # evidence and assessments run this long after a declaration
DECLARATION_YEARS = 24  # declarations are spread over this many years before the end

Citation = Assessment.evidence.through


class SyntheticRefused(ValueError):
    """The database is not in a state the generator may write to."""


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10)
    return f"{n}{suffix or 'th'}"


@dataclasses.dataclass(frozen=True)
class BodySpec:
    name: str
    short_name: str
    kind: str
    parent: str | None = None


def body_catalogue() -> list[BodySpec]:
    """The same few hundred bodies every run, parents before their children: organs
    four levels deep, member states, and external parties (some under a parent)."""
    specs = [BodySpec(n, s, BodyKind.ORGAN, p) for n, s, p in TOP_ORGANS]
    for portfolio in PORTFOLIOS:
        meeting = f"Meeting of Ministers of {portfolio}"
        specs += [
            BodySpec(meeting, f"Ministers of {portfolio}", BodyKind.ORGAN, CHG),
            BodySpec(
                f"Working Group on {portfolio}",
                f"WG {portfolio}",
                BodyKind.ORGAN,
                meeting,
            ),
            BodySpec(
                f"Expert Group on {portfolio}",
                f"EG {portfolio}",
                BodyKind.ORGAN,
                meeting,
            ),
            BodySpec(
                f"Department of {portfolio} of the Secretariat",
                f"Secretariat: {portfolio}",
                BodyKind.ORGAN,
                SECRETARIAT,
            ),
        ]
    specs += [BodySpec(n, s, BodyKind.MEMBER_STATE) for n, s in MEMBER_STATES]
    specs += [BodySpec(n, s, BodyKind.EXTERNAL, p) for n, s, p in EXTERNAL]
    return specs


# -- Fast rows ----------------------------------------------------------------------


class _Maker:
    """Builds model instances the way Django's unpickling does (``__new__``, the
    field values in ``__dict__``, a fresh ``ModelState``), with the fields' own
    defaults for what is not given. That skips the per-field descriptor work of
    ``__init__``, which matters at a million rows; no init signals are sent, as
    none is needed here. An unknown name is an error, as it is for the model."""

    def __init__(self, model):
        self.model = model
        self.pk_name = model._meta.pk.attname
        fields = model._meta.concrete_fields
        self.names = {f.attname for f in fields}
        self.static = {
            f.attname: f.get_default()
            for f in fields
            if not (f.has_default() and callable(f.default))
        }
        self.dynamic = [f for f in fields if f.attname not in self.static]

    def __call__(self, **values):
        if "pk" in values:
            values[self.pk_name] = values.pop("pk")
        if not values.keys() <= self.names:
            raise TypeError(
                f"{self.model.__name__} has no {values.keys() - self.names}"
            )
        for field in self.dynamic:
            if field.attname not in values:
                values[field.attname] = field.get_default()
        obj = self.model.__new__(self.model)
        obj.__dict__ = {**self.static, **values, "_state": ModelState()}
        return obj


@functools.cache
def _maker(model) -> _Maker:
    return _Maker(model)


def build(model, **values):
    """``model(**values)``, fast (see ``_Maker``)."""
    return _maker(model)(**values)


@functools.cache
def _slug(text: str) -> str:
    return slugify(text)


def read_ahead(iterable, depth: int = 1):
    """Iterate ``iterable`` in a thread, up to ``depth`` items ahead of the caller.

    The thread must not use the database (Django's connections are per thread).
    An exception in it is raised here; leaving the loop early stops it.
    """
    items: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for item in iterable:
                if not put(item):
                    return
        except BaseException as error:  # handed to the caller, raised there
            put(error)
        else:
            put(done)

    thread = threading.Thread(target=produce, name="synthetic-rows", daemon=True)
    thread.start()
    try:
        while (item := items.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


# -- What was created ---------------------------------------------------------------


@dataclasses.dataclass
class Summary:
    """Counts of what one run created, and how long it took."""

    declarations: int = 0
    paragraphs: int = 0
    bodies_created: int = 0
    bodies_reused: int = 0
    commitments: int = 0
    body_links: int = 0
    deadlines: int = 0
    deadline_revisions: int = 0
    evidence: int = 0
    evidence_retracted: int = 0
    assessments: int = 0
    member_state_assessments: int = 0
    corrections: int = 0
    citations: int = 0
    seconds: float = 0.0
    deadline_kinds: dict = dataclasses.field(default_factory=dict)
    precisions: dict = dataclasses.field(default_factory=dict)

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(self.deadline_kinds.items()))
        precisions = ", ".join(f"{k} {n:,}" for k, n in sorted(self.precisions.items()))
        return [
            f"declarations        {self.declarations:>12,}",
            f"paragraphs          {self.paragraphs:>12,}",
            f"bodies              {self.bodies_created:>12,} created, "
            f"{self.bodies_reused:,} reused",
            f"commitments         {self.commitments:>12,}",
            f"body links          {self.body_links:>12,}",
            f"deadlines           {self.deadlines:>12,} ({kinds})",
            f"  window precisions {sum(self.precisions.values()):>12,} ({precisions})",
            f"deadline revisions  {self.deadline_revisions:>12,}",
            f"evidence            {self.evidence:>12,} "
            f"({self.evidence_retracted:,} retracted)",
            f"assessments         {self.assessments:>12,} "
            f"({self.member_state_assessments:,} for a member state, "
            f"{self.corrections:,} corrections)",
            f"evidence citations  {self.citations:>12,}",
            f"in {self.seconds:.1f} s",
        ]


# -- The generator ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Body:
    pk: int
    name: str
    label: str
    kind: str


@dataclasses.dataclass(frozen=True)
class _Plan:
    """One declaration to write: its number, date and how many commitments."""

    number: int
    date: datetime.date
    commitments: int
    first_commitment_pk: int


def spread(rng: random.Random, total: int, weights: list[float], minimum: int = 0):
    """``total`` split into ``len(weights)`` counts, each at least ``minimum``,
    proportional to the weights at random; the counts add up to ``total`` exactly."""
    counts = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest <= 0 or not weights:
        return counts
    if not any(weights):
        weights = [1.0] * len(weights)
    cum = list(itertools.accumulate(weights))
    for i in rng.choices(range(len(weights)), cum_weights=cum, k=rest):
        counts[i] += 1
    return counts


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
                    StatusPeriod,
                )
            }
            self._load_bodies()
            plans = self._plan_declarations()
            evidence_counts, assessment_counts = self._plan_records()
            self._write_chunks(plans, evidence_counts, assessment_counts)
            self._reset_sequences()
            LedgerVersion.bump()  # bulk writes send no signals
        if connection.vendor == "postgresql":
            # Planner statistics for the new rows, as autovacuum would gather later.
            with connection.cursor() as cursor:
                for model in self._written_models():
                    cursor.execute(
                        f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}"
                    )
        self.summary.seconds = time.monotonic() - started
        return self.summary

    def _take(self, model, count: int = 1) -> int:
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
            StatusPeriod,
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
        """Reuse the catalogue's bodies already in the database (by name); create
        the others. Nothing is drawn at random here, so appends share bodies."""
        existing = {
            b.name: b
            for b in Body.objects.only("pk", "name", "short_name", "kind", "slug")
        }
        slugs = {b.slug for b in existing.values()}
        by_name: dict[str, _Body] = {}
        new = []
        for spec in body_catalogue():
            if spec.name in existing:
                body = existing[spec.name]
                by_name[spec.name] = _Body(body.pk, body.name, body.label, body.kind)
                self.summary.bodies_reused += 1
                continue
            slug = base = slugify(spec.name)[:70]
            for n in itertools.count(2):
                if slug not in slugs:
                    break
                slug = f"{base}-{n}"
            slugs.add(slug)
            pk = self._take(Body)
            parent = by_name.get(spec.parent) if spec.parent else None
            new.append(
                build(
                    Body,
                    pk=pk,
                    slug=slug,
                    name=spec.name,
                    short_name=spec.short_name,
                    kind=spec.kind,
                    parent_id=parent.pk if parent else None,
                    description="Synthetic body (generate_synthetic).",
                )
            )
            by_name[spec.name] = _Body(
                pk, spec.name, spec.short_name or spec.name, spec.kind
            )
        Body.objects.bulk_create(new, batch_size=self.batch_size)
        self.summary.bodies_created = len(new)
        bodies = list(by_name.values())
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

    # -- plans

    def _first_number(self) -> int:
        """The next free SYN number, above every synthetic prefix and reference."""
        pattern = re.compile(rf"^{PREFIX}(\d+)(?:-|$)")
        numbers = [
            int(m[1])
            for value in itertools.chain(
                Declaration.objects.filter(
                    reference_prefix__startswith=PREFIX
                ).values_list("reference_prefix", flat=True),
                Commitment.objects.filter(reference__startswith=PREFIX).values_list(
                    "reference", flat=True
                ),
            )
            if (m := pattern.match(value))
        ]
        return max(numbers, default=0) + 1

    def _plan_declarations(self) -> list[_Plan]:
        rng = self.rng
        last = self.until - datetime.timedelta(days=30)
        first = last - datetime.timedelta(days=365 * DECLARATION_YEARS)
        span = (last - first).days
        dates = sorted(
            first + datetime.timedelta(days=rng.randrange(span + 1))
            for _ in range(self.n_declarations)
        )
        weights = [rng.lognormvariate(0, 0.5) for _ in dates]
        minimum = 1 if self.n_commitments >= self.n_declarations else 0
        counts = spread(rng, self.n_commitments, weights, minimum)
        number = self._first_number()
        pk = self._take(Commitment, self.n_commitments)
        plans = []
        for offset, (date, count) in enumerate(zip(dates, counts, strict=True)):
            plans.append(_Plan(number + offset, date, count, pk))
            pk += count
        self.plan_dates = [p.date for p in plans]
        self.plans = plans
        return plans

    def _plan_records(self) -> tuple[list[int], list[int]]:
        """How many evidence entries and assessments each commitment gets: skewed,
        some with none, adding up to exactly what was asked."""
        rng, n = self.rng, self.n_commitments
        evidence_weights = [
            0.0 if rng.random() < 0.15 else rng.lognormvariate(0, 1) for _ in range(n)
        ]
        evidence = spread(rng, self.n_evidence, evidence_weights)
        mean = (self.n_evidence / n) if n else 0
        assessment_weights = [
            0.0
            if rng.random() < 0.2
            else rng.lognormvariate(0, 0.6) * (1 + (e / mean if mean else 0))
            for e in evidence
        ]
        return evidence, spread(rng, self.n_assessments, assessment_weights)

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
            pk=self._take(Declaration),
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
            paragraph_pk = self._take(Paragraph)
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
                    pk=self._take(CommitmentBody),
                    commitment_id=pk,
                    body_id=body.pk,
                    role=role,
                )
            )
        s.body_links += len(links)
        states = [b.pk for b, _ in links if b.kind == BodyKind.MEMBER_STATE]

        verb, obj = rng.choice(VERBS), rng.choice(THEMES[theme])
        wording = self._deadline(pk, declaration.date, forced, rows)
        sentence = f"{subject} {verb} {obj}{' ' + wording if wording else ''}."
        title = f"{short} {verb} {obj}"
        evidence = self._evidence(
            pk, links, obj, declaration.date, end, evidence_count, rows
        )
        status, since, implemented = self._assessments(
            pk, obj, declaration.date, end, states, evidence, assessment_count, rows
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
                current_status=status,
                current_status_since=since,
                first_implemented_on=implemented,
            )
        )
        s.commitments += 1
        return sentence

    def _state(self) -> _Body:
        return self.rng.choice(self.states) if self.states else self._organ()

    # -- deadlines

    def _deadline(self, pk, declared: datetime.date, forced, rows) -> str:
        """Write the deadline (and any revision); return its wording, '' for none."""
        rng, s = self.rng, self.summary
        if forced is not None:
            kind, precision = FORCED_DEADLINES[forced]
        else:
            kind = rng.choices(
                (
                    DeadlineKind.CALENDAR,
                    DeadlineKind.EVENT,
                    DeadlineKind.VAGUE,
                    DeadlineKind.NONE,
                ),
                weights=(30, 20, 20, 30),
            )[0]
            precision = rng.choice(PRECISIONS)
        deadline = build(Deadline, commitment_id=pk, kind=kind)
        revision = None
        if kind == DeadlineKind.CALENDAR:
            day = declared + datetime.timedelta(days=rng.randint(30, 6 * 365))
            deadline.earliest, deadline.latest = window_for(precision, day)
            deadline.precision = precision
            deadline.wording = calendar_wording(precision, deadline.earliest)
            deadline.note = "Calendar deadline: the window is the wording's period."
            if rng.random() < 0.05:
                # Extended: the old window is kept in the revision.
                old = (deadline.earliest, deadline.latest)
                later = deadline.latest + datetime.timedelta(days=rng.randint(1, 400))
                deadline.earliest, deadline.latest = window_for(precision, later)
                deadline.note = "Extended by a later decision (see the revision)."
                revision = self._revision(
                    deadline,
                    old=(deadline.wording, kind, *old, precision),
                    when=declared + datetime.timedelta(days=rng.randint(1, 300)),
                    reason="The Council of Heads of State extended the deadline.",
                )
        elif kind == DeadlineKind.EVENT:
            wording, event, held = self._event(declared)
            deadline.wording, deadline.event = wording, event
            first, last = window_for(Precision.YEAR, held)
            # An event deadline starts as the year the wording allows and narrows
            # to the event's day once it has been held.
            narrow = held <= self.until and (
                forced is None or precision == Precision.DAY
            )
            if narrow and (forced is not None or rng.random() < 0.85):
                deadline.earliest = deadline.latest = held
                deadline.precision = Precision.DAY
                deadline.note = (
                    f"Event deadline; the event was held on {held:%-d %B %Y}, so the "
                    "window narrows to that day (see the revision)."
                )
                revision = self._revision(
                    deadline,
                    old=(wording, kind, first, last, Precision.YEAR),
                    when=held + datetime.timedelta(days=rng.randint(1, 30)),
                    reason=f"The event was held on {held:%-d %B %Y}.",
                )
            elif forced is not None or rng.random() < 0.9:
                deadline.earliest, deadline.latest = first, last
                deadline.precision = Precision.YEAR
                deadline.note = (
                    "Event deadline: the wording allows any day of the year."
                )
            else:
                deadline.note = "Event deadline with no known date yet."
        elif kind == DeadlineKind.VAGUE:
            deadline.wording = rng.choice(VAGUE_WORDINGS)
            deadline.note = "Vague: no date, so no window; never overdue."
            if rng.random() < 0.4:
                deadline.review_date = declared + datetime.timedelta(
                    days=rng.randint(365, 3 * 365)
                )
        else:
            deadline.note = "The text sets no deadline; never overdue."
            if rng.random() < 0.1:
                deadline.review_date = declared + datetime.timedelta(
                    days=rng.randint(365, 5 * 365)
                )
        rows[Deadline].append(deadline)
        if revision:
            rows[DeadlineRevision].append(revision)
            s.deadline_revisions += 1
        s.deadlines += 1
        s.deadline_kinds[kind] = s.deadline_kinds.get(kind, 0) + 1
        if deadline.precision:
            s.precisions[deadline.precision] = (
                s.precisions.get(deadline.precision, 0) + 1
            )
        return deadline.wording

    def _event(self, declared: datetime.date) -> tuple[str, str, datetime.date]:
        rng = self.rng
        held = declared + datetime.timedelta(days=rng.randint(60, 730))
        if held > self.until and declared + datetime.timedelta(days=60) <= self.until:
            held = declared + datetime.timedelta(
                days=rng.randint(60, (self.until - declared).days)
            )
        place = rng.choice(PLACES)
        choice = rng.randrange(4)
        if choice == 0:
            wording = "by the next Summit"
            event = f"The next summit of the Council of Heads of State ({place})"
        elif choice == 1:
            wording = f"by the {held.year} Summit"
            event = f"The {held.year} summit of the Council of Heads of State"
        elif choice == 2:
            wording = f"at the meeting of Heads of Government in {place}"
            event = f"The meeting of the Council of Heads of Government in {place}"
        else:
            wording = "before the next meeting of the Council of Ministers"
            event = "The next meeting of the Council of Ministers of Foreign Affairs"
        return wording, event, held

    def _revision(self, deadline, *, old, when, reason) -> DeadlineRevision:
        revised_at = min(self._moment(min(when, self.until)), self.limit)
        return build(
            DeadlineRevision,
            pk=self._take(DeadlineRevision),
            deadline_id=deadline.commitment_id,
            revised_at=revised_at,
            reason=reason,
            old_wording=old[0],
            old_kind=old[1],
            old_earliest=old[2],
            old_latest=old[3],
            old_precision=old[4],
            new_wording=deadline.wording,
            new_kind=deadline.kind,
            new_earliest=deadline.earliest,
            new_latest=deadline.latest,
            new_precision=deadline.precision,
        )

    # -- dates

    def _day(self, first: datetime.date, last: datetime.date, skew=1.0):
        """A day from first to last, earlier days likelier when skew > 1."""
        span = (last - first).days
        return first + datetime.timedelta(days=round(span * self.rng.random() ** skew))

    def _moment(self, day: datetime.date, days_later: int = 0) -> datetime.datetime:
        """A moment during the working hours of ``day`` (plus days), never after the
        start of the last day."""
        moment = datetime.datetime.combine(
            day, datetime.time(8), tzinfo=self.tz
        ) + datetime.timedelta(days=days_later, seconds=self.rng.randrange(12 * 3600))
        return min(moment, self.limit)

    # -- evidence

    def _evidence(self, pk, links, obj, declared, end, count, rows):
        """Write the evidence; return (pk, event date, retracted) for each."""
        rng, s = self.rng, self.summary
        records = []
        actors = [b.label for b, _ in links] or ["The Secretariat"]
        first_pk = self._take(Evidence, count)
        for offset in range(count):
            event_date = self._day(declared, end, skew=1.6)
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
            logged_at = self._moment(event_date, rng.randint(0, 200))
            accessed = (
                None
                if rng.random() < 0.1
                else min(
                    event_date + datetime.timedelta(days=rng.randint(0, 400)),
                    self.until,
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
                    self.limit,
                )
                evidence.retraction_reason = rng.choice(RETRACTION_REASONS)
                s.evidence_retracted += 1
            rows[Evidence].append(evidence)
            records.append((evidence_pk, rounded, retracted))
        s.evidence += count
        return records

    # -- assessments

    def _assessments(self, pk, obj, declared, end, states, evidence, count, rows):
        """Write the assessments, their citations and the status periods; return
        the current status, the first day of its run and the first implementation
        date, as ``services.commitment_refresh_status`` would set them."""
        rng, s = self.rng, self.summary
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
            dates = sorted(self._day(declared, end, skew=1.3) for _ in range(n))
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
                            self.limit,
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
                        recorded_at=self._moment(as_of, rng.randint(0, 45)),
                        corrects=None,
                    )
                item["corrected"] = False
                built.append(item)
                previous = item
        # Later recorded, higher key (a correction always follows what it corrects).
        built.sort(key=lambda item: item["recorded_at"])
        first_pk = self._take(Assessment, count)
        for offset, item in enumerate(built):
            item["pk"] = first_pk + offset
        standing = [(e_pk, day) for e_pk, day, retracted in evidence if not retracted]
        for item in built:
            as_of, status = item["as_of"], item["status"]
            cited = [e_pk for e_pk, day in standing if day <= as_of]
            cited = rng.sample(cited, min(len(cited), rng.choice((0, 1, 1, 2, 2, 3))))
            rows[Assessment].append(
                build(
                    Assessment,
                    pk=item["pk"],
                    commitment_id=pk,
                    status=status,
                    member_state_id=item["member_state"],
                    confidence=rng.choices(CONFIDENCES, cum_weights=(2, 7, 10))[0],
                    rationale=self._rationale(item, obj, len(cited)),
                    as_of=as_of,
                    recorded_at=item["recorded_at"],
                    corrects_id=item["corrects"]["pk"] if item["corrects"] else None,
                    superseded_by_id=self._successor(declared, as_of)
                    if status == Status.SUPERSEDED
                    else None,
                )
            )
            for e_pk in cited:
                rows[Citation].append(
                    build(
                        Citation,
                        pk=self._take(Citation),
                        assessment_id=item["pk"],
                        evidence_id=e_pk,
                    )
                )
            s.citations += len(cited)
        s.assessments += count
        s.member_state_assessments += for_states
        # The effective overall assessments in force order: as of, recorded at, key.
        effective = sorted(
            (i for i in built if i["member_state"] is None and not i["corrected"]),
            key=lambda i: (i["as_of"], i["recorded_at"], i["pk"]),
        )
        history = [(i["as_of"], i["status"]) for i in effective]
        spans = periods_from(history)
        for status, starts_on, ends_on in spans:
            rows[StatusPeriod].append(
                build(
                    StatusPeriod,
                    pk=self._take(StatusPeriod),
                    commitment_id=pk,
                    status=status,
                    starts_on=starts_on,
                    ends_on=ends_on,
                )
            )
        if not spans:
            return Status.UNASSESSED, None, None
        return spans[-1][0], spans[-1][1], first_implemented(history)

    def _rationale(self, item, obj, cited: int) -> str:
        text = RATIONALES[item["status"]].format(object=obj)
        if item["corrects"]:
            text = (
                f"Corrects the assessment recorded on "
                f"{item['corrects']['recorded_at']:%-d %B %Y}: {text}"
            )
        return f"{text} Cited sources: {cited}."

    def _successor(self, declared, as_of):
        """A commitment of a later declaration, adopted by ``as_of``, or None."""
        if self.rng.random() < 0.3:
            return None
        lo = bisect.bisect_right(self.plan_dates, declared)
        hi = bisect.bisect_right(self.plan_dates, as_of)
        if lo >= hi:
            return None
        plan = self.plans[self.rng.randrange(lo, hi)]
        if not plan.commitments:
            return None
        return plan.first_commitment_pk + self.rng.randrange(plan.commitments)


# The first commitments of a run cover every kind of deadline and every precision,
# so even a small run has them all.
FORCED_DEADLINES = [
    (DeadlineKind.CALENDAR, Precision.DAY),
    (DeadlineKind.CALENDAR, Precision.MONTH),
    (DeadlineKind.CALENDAR, Precision.SEASON),
    (DeadlineKind.CALENDAR, Precision.QUARTER),
    (DeadlineKind.CALENDAR, Precision.YEAR),
    (DeadlineKind.EVENT, Precision.DAY),
    (DeadlineKind.EVENT, Precision.YEAR),
    (DeadlineKind.VAGUE, ""),
    (DeadlineKind.NONE, ""),
]


def calendar_wording(precision: str, first: datetime.date) -> str:
    """How a declaration words a window of the precision that starts on ``first``."""
    if precision == Precision.DAY:
        return f"by {first.day} {first:%B %Y}"
    if precision == Precision.MONTH:
        return f"in {first:%B %Y}"
    if precision == Precision.SEASON:
        season = SEASONS[first.month]
        if season == "winter":
            return f"in the winter of {first.year}/{(first.year + 1) % 100:02d}"
        return f"in the {season} of {first.year}"
    if precision == Precision.QUARTER:
        return f"in the {QUARTERS[first.month]} quarter of {first.year}"
    return f"by the end of {first.year}"


def generate(**options) -> Summary:
    """Generate and write synthetic data (see ``Generator``); return what was made."""
    return Generator(**options).run()
