"""factory_boy factories: focused data for each test, never the whole codebook.

Rows the factories create go through the one writer of derived data afterwards
(``services.status_derive``), as every write path of the app does.
"""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from declarations import services
from declarations.models import (
    Assessment,
    Body,
    BodyKind,
    Commitment,
    CommitmentBody,
    CommitmentLink,
    CommitmentState,
    Confidence,
    Deadline,
    DeadlineKind,
    Declaration,
    Direction,
    Event,
    Evidence,
    LinkState,
    LinkType,
    Paragraph,
    Precision,
    Review,
    Role,
    SourceCheck,
    Status,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Declaration

    title = factory.Sequence(lambda n: f"Declaration number {n}")
    slug = factory.Sequence(lambda n: f"declaration-{n}")
    reference_prefix = factory.Sequence(lambda n: f"D{n}")
    place = "Astana"
    date = datetime.date(2005, 7, 5)
    source = "Secretariat"
    full_text = "The text."
    content_hash = factory.LazyAttribute(lambda d: Declaration.hash_text(d.full_text))


class ParagraphFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paragraph

    declaration = factory.SubFactory(DeclarationFactory)
    number = factory.Sequence(lambda n: n + 1)
    section = 1
    text = factory.Sequence(lambda n: f"The parties will do thing number {n}.")


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Council number {n}")
    slug = factory.Sequence(lambda n: f"council-{n}")
    short_name = factory.Sequence(lambda n: f"C{n}")
    kind = BodyKind.ORGAN


class MemberStateFactory(BodyFactory):
    name = factory.Sequence(lambda n: f"Republic number {n}")
    slug = factory.Sequence(lambda n: f"republic-{n}")
    short_name = ""
    kind = BodyKind.MEMBER_STATE


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A commitment whose quote is its whole paragraph, with no deadline by default.

    Pass ``deadline__kind`` etc. through ``DeadlineFactory`` (see ``with_window``).
    """

    class Meta:
        model = Commitment
        skip_postgeneration_save = True

    declaration = factory.SubFactory(DeclarationFactory)
    paragraph = factory.SubFactory(
        ParagraphFactory, declaration=factory.SelfAttribute("..declaration")
    )
    reference = factory.Sequence(lambda n: f"REF-{n:04d}")
    title = factory.Sequence(lambda n: f"Do thing number {n}")
    theme = "Security"
    quote = factory.LazyAttribute(lambda c: c.paragraph.text)
    deadline = factory.RelatedFactory(
        "tests.factories.DeadlineFactory", factory_related_name="commitment"
    )

    @factory.post_generation
    def derive(obj, create, extracted, **kwargs):
        if create:
            services.status_derive(commitment_ids=[obj.pk])


class DeadlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deadline
        skip_postgeneration_save = True
        django_get_or_create = ["commitment"]

    commitment = factory.SubFactory(CommitmentFactory, deadline=None)
    kind = DeadlineKind.NONE
    wording = ""

    @factory.post_generation
    def derive(obj, create, extracted, **kwargs):
        if create:
            services.status_derive(commitment_ids=[obj.pk])


def with_window(commitment, earliest, latest, precision=Precision.DAY, **fields):
    """Give a commitment a dated deadline window and return it."""
    defaults = {"kind": DeadlineKind.CALENDAR, "wording": f"by {latest:%B %Y}"}
    commitment.deadline, _ = Deadline.objects.update_or_create(
        commitment=commitment,
        defaults={
            **defaults,
            "earliest": earliest,
            "latest": latest,
            "precision": precision,
            **fields,
        },
    )
    services.status_derive(commitment_ids=[commitment.pk])
    return commitment


class EventFactory(factory.django.DjangoModelFactory):
    """An event expected some day of 2006, not held yet."""

    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"The summit number {n}")
    expected_earliest = datetime.date(2006, 1, 1)
    expected_latest = datetime.date(2006, 12, 31)
    expected_precision = Precision.YEAR


def waiting_for(event, commitment, wording="by the next 2006 Summit"):
    """Tie a commitment's deadline to the event, with the event's expected window."""
    return with_window(
        commitment,
        event.expected_earliest,
        event.expected_latest,
        event.expected_precision,
        kind=DeadlineKind.EVENT,
        wording=wording,
        event=event.name,
        waits_for=event,
    )


class CommitmentBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitmentBody
        skip_postgeneration_save = True

    commitment = factory.SubFactory(CommitmentFactory)
    body = factory.SubFactory(BodyFactory)
    role = Role.RESPONSIBLE

    @factory.post_generation
    def derive(obj, create, extracted, **kwargs):
        if create:
            services.status_derive(commitment_ids=[obj.commitment_id])


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence
        skip_postgeneration_save = True

    commitment = factory.SubFactory(CommitmentFactory)
    event_date = datetime.date(2006, 6, 15)
    summary = factory.Sequence(lambda n: f"Something happened, event {n}.")
    source_title = "A report"
    source_publisher = "A publisher"
    source_url = "https://example.org/report"
    direction = Direction.TOWARD
    logged_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def derive(obj, create, extracted, **kwargs):
        if create:
            services.status_derive(commitment_ids=[obj.commitment_id])


class AssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment saved directly, then the commitment's current status refreshed."""

    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    commitment = factory.SubFactory(CommitmentFactory)
    status = Status.IN_PROGRESS
    confidence = Confidence.MEDIUM
    rationale = "Because the evidence says so."
    as_of = datetime.date(2006, 6, 15)
    recorded_at = factory.LazyFunction(timezone.now)
    review = Review.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda o: o.recorded_at if o.review == Review.PUBLISHED else None
    )
    # A superseded status names what superseded it (a database constraint).
    superseding_decision = factory.LazyAttribute(
        lambda o: (
            "A later decision of the summit"
            if o.status == Status.SUPERSEDED and not getattr(o, "superseded_by", None)
            else ""
        )
    )

    @factory.post_generation
    def refresh(obj, create, extracted, **kwargs):
        if create:
            services.status_derive(commitment_ids=[obj.commitment_id])


class SourceCheckFactory(factory.django.DjangoModelFactory):
    """A check of the evidence's current source URL; reachable (200) by default."""

    class Meta:
        model = SourceCheck

    evidence = factory.SubFactory(EvidenceFactory)
    url = factory.SelfAttribute("evidence.source_url")
    checked_at = factory.LazyFunction(timezone.now)
    status_code = 200
    final_url = factory.SelfAttribute("url")
    reachable = factory.LazyAttribute(
        lambda c: c.status_code is not None and 200 <= c.status_code < 400
    )


def state_of(commitment) -> CommitmentState:
    """The commitment's derived state, as the one writer last left it."""
    return CommitmentState.objects.get(pk=commitment.pk)


class CommitmentLinkFactory(factory.django.DjangoModelFactory):
    """A confirmed link (pass ``state=LinkState.SUGGESTED`` for a suggestion)."""

    class Meta:
        model = CommitmentLink

    from_commitment = factory.SubFactory(CommitmentFactory)
    to_commitment = factory.SubFactory(CommitmentFactory)
    type = LinkType.FOLLOWS_UP
    state = LinkState.CONFIRMED
    decided_by = factory.Maybe(
        factory.LazyAttribute(lambda link: link.state != LinkState.SUGGESTED),
        yes_declaration=factory.SubFactory(UserFactory),
        no_declaration=None,
    )
    decided_at = factory.Maybe(
        factory.LazyAttribute(lambda link: link.state != LinkState.SUGGESTED),
        yes_declaration=factory.LazyFunction(timezone.now),
        no_declaration=None,
    )
