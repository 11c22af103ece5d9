"""Declarations and their paragraphs, as imported from the source text."""

import hashlib

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..text import refuse_control_characters
from .routes import object_url


def _count_of(model_name: str):
    """A correlated COUNT of one related table's rows per declaration."""
    related = apps.get_model("declarations", model_name)
    rows = (
        related.objects.filter(declaration=models.OuterRef("pk"))
        .order_by()
        .values("declaration")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return Coalesce(models.Subquery(rows), 0)


class DeclarationQuerySet(models.QuerySet):
    def for_public_table(self):
        """Declarations with paragraph and commitment counts, newest first.

        Each count is its own subquery, so the two tables are never joined
        together (no fan-out when declarations are long).
        """
        return self.annotate(
            paragraph_count=_count_of("Paragraph"),
            commitment_count=_count_of("Commitment"),
        ).order_by("-date", "title")

    def matching(self, text: str):
        """Declarations whose title or place contains the text (any case)."""
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(title__icontains=text) | models.Q(place__icontains=text)
        )

    def named(self, text: str):
        """The declaration whose slug is the text, or else those whose title or
        place contains it (any case)."""
        text = text.strip()
        by_slug = self.filter(slug=text)
        return self.filter(
            models.Q(slug=text)
            | (
                ~models.Exists(by_slug)
                & (models.Q(title__icontains=text) | models.Q(place__icontains=text))
            )
        )


class Declaration(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=500, validators=[refuse_control_characters])
    place = models.CharField(
        max_length=200, blank=True, validators=[refuse_control_characters]
    )
    date = models.DateField(help_text="The day the declaration was adopted.")
    source = models.CharField(
        max_length=500, blank=True, validators=[refuse_control_characters]
    )
    reference_prefix = models.CharField(
        max_length=20,
        unique=True,
        help_text="Prefix of its commitments' references, e.g. AST2005.",
    )
    header_fields = models.JSONField(
        default=dict,
        blank=True,
        help_text="Every bracketed header field of the source file, verbatim.",
        validators=[refuse_control_characters],
    )
    banner = models.TextField(
        blank=True,
        help_text="The database banner, verbatim.",
        validators=[refuse_control_characters],
    )
    full_text = models.TextField(
        help_text="The text after [Full text], verbatim.",
        validators=[refuse_control_characters],
    )
    content_hash = models.CharField(max_length=64, editable=False)
    source_file = models.CharField(
        max_length=255, blank=True, validators=[refuse_control_characters]
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = DeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "date"], name="declaration_unique_title_date"
            ),
            models.CheckConstraint(
                condition=~models.Q(title=""), name="declaration_title_not_empty"
            ),
            models.CheckConstraint(
                condition=~models.Q(full_text=""), name="declaration_text_not_empty"
            ),
        ]

    def __str__(self):
        where = f"{self.place}, " if self.place else ""
        return f"{self.title} ({where}{self.date:%-d %B %Y})"

    def get_absolute_url(self):
        return object_url("declarations:declaration-detail", self.slug)

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError(
                {
                    "date": "A declaration is tracked once adopted: its date cannot be "
                    "in the future."
                }
            )

    # Header fields with columns of their own; [Full text] only marks where it begins.
    MAIN_HEADER_FIELDS = ("Title", "Place", "Date", "Source", "Full text")

    @property
    def other_header_fields(self) -> list[tuple[str, str]]:
        """The source file's other bracketed fields ([Language], [Note], ...)."""
        return [
            (name, value)
            for name, value in self.header_fields.items()
            if name not in self.MAIN_HEADER_FIELDS
        ]

    @staticmethod
    def hash_text(full_text: str) -> str:
        return hashlib.sha256(full_text.encode("utf-8")).hexdigest()


class ParagraphQuerySet(models.QuerySet):
    def unexplained(self):
        """Paragraphs that hold no commitment and carry no note saying why: the
        coding manual asks for one or the other."""
        return self.filter(coding_note="", commitments__isnull=True)


class Paragraph(models.Model):
    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="paragraphs"
    )
    number = models.PositiveIntegerField(help_text="1-based, in document order.")
    section = models.PositiveIntegerField(
        default=1, help_text="Groups of paragraphs the text separates by a wider gap."
    )
    text = models.TextField(validators=[refuse_control_characters])
    coding_note = models.TextField(
        max_length=4000,
        blank=True,
        validators=[refuse_control_characters, MaxLengthValidator(4000)],
        help_text="How the coding manual was applied here: why the paragraph holds "
        "no commitment, or how its commitments and bodies were coded. Shown in the "
        "reader.",
    )

    objects = ParagraphQuerySet.as_manager()

    class Meta:
        ordering = ["declaration", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "number"], name="paragraph_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1) & models.Q(section__gte=1),
                name="paragraph_number_positive",
            ),
            models.CheckConstraint(
                condition=~models.Q(text=""), name="paragraph_text_not_empty"
            ),
        ]

    def __str__(self):
        return f"¶{self.number}"

    def get_absolute_url(self):
        """The reader's page that holds the paragraph, at the paragraph."""
        return (
            f"{self.declaration.get_absolute_url()}?paragraph={self.number}"
            f"#{self.anchor}"
        )

    @property
    def anchor(self) -> str:
        return f"p{self.number}"

    @property
    def is_list_item(self) -> bool:
        return self.text.lstrip().startswith(BULLETS)


# Line starts that mark a bulleted item; each item is a paragraph of its own.
BULLETS = ("- ", "– ", "— ", "• ", "* ", "· ", "・", "―", "－", "○", "●")
