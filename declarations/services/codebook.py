"""Codebook edits that cannot lose what was published: a corrected reference
keeps the old one as an alias, a commitment is withdrawn (never deleted), and an
editor's form built before someone else saved is refused (``StaleEdit``)."""

import hashlib

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone

from ..models import (
    Commitment,
    CommitmentBody,
    CommitmentState,
    Deadline,
    Declaration,
    Paragraph,
    ReferenceAlias,
)
from ..page_cache import pages_changed
from .records import commitment_lock
from .status import status_derive, status_forget


def reference_available(*, reference: str, commitment: Commitment | None) -> None:
    """Refuse (ValidationError on ``reference``) a reference another commitment
    uses or was published under. A commitment may take back one of its own
    former references."""
    others = Commitment.objects.filter(reference=reference)
    aliases = ReferenceAlias.objects.filter(old_reference=reference)
    if commitment is not None and commitment.pk:
        others = others.exclude(pk=commitment.pk)
        aliases = aliases.exclude(commitment=commitment)
    if taken := others.only("reference").first():
        raise ValidationError(
            {"reference": f"{reference} is already the reference of {taken}."}
        )
    if alias := aliases.select_related("commitment").first():
        raise ValidationError(
            {
                "reference": f"{reference} was published as the reference of "
                f"{alias.commitment.reference} and redirects to it; a published "
                "reference is never reused."
            }
        )


@transaction.atomic
def commitment_rename(
    *, commitment: Commitment, reference: str, by, reason: str
) -> ReferenceAlias | None:
    """Give a commitment a corrected reference and keep the old one as an alias
    (its URLs answer 301 to the new ones). Saves ``commitment`` as given, with
    its new reference; returns the alias (None when the reference is unchanged).
    Taking back a former reference of the same commitment drops that alias."""
    old = commitment_lock(commitment.pk).reference
    if reference == old:
        return None
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reference": "Say why the reference changes: the old one is kept."}
        )
    reference_available(reference=reference, commitment=commitment)
    commitment.reference = reference
    commitment.full_clean(validate_unique=False)
    ReferenceAlias.objects.filter(old_reference=reference).delete()
    commitment.save()
    alias = ReferenceAlias(
        old_reference=old, commitment=commitment, changed_by=by, reason=reason
    )
    alias.full_clean()
    alias.save()
    status_derive(commitment_ids=[commitment.pk], locked=True)
    return alias


@transaction.atomic
def commitment_withdraw(*, commitment: Commitment, by, reason: str) -> Commitment:
    """Withdraw a published commitment: it leaves every list, count, feed and
    export; its page stays (410) with the reason and its record. Returns it."""
    locked = commitment_lock(commitment.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"withdrawal_reason": "Say why the commitment is withdrawn."}
        )
    if locked.withdrawn_at is not None:
        raise ValidationError(
            {
                "withdrawal_reason": f"{locked.reference} was already withdrawn on "
                f"{timezone.localtime(locked.withdrawn_at):%-d %B %Y}."
            }
        )
    status_forget(commitment_ids=[locked.pk])
    CommitmentState.objects.filter(commitment=locked).update(tallied="")
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = by
    locked.withdrawal_reason = reason
    locked.full_clean(validate_unique=False)
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    pages_changed()
    return locked


# Stale forms. An editor's form carries the version of what it showed
# (``codebook_version``): the latest history record of the object and of the
# rows edited with it, or a digest of rows without a history. The save compares
# it, under the row's lock, with the version saved now, as the assessment form
# compares the latest assessment it showed (records.StaleAssessment).

SHOWN_LENGTH = 120  # characters of a value shown in the refusal


def _related_histories(instance) -> list[tuple[type[models.Model], str]]:
    """(model, key) of the rows with a history edited with the instance."""
    if isinstance(instance, Commitment):
        return [(CommitmentBody, "commitment_id"), (Deadline, "commitment_id")]
    return []


def _digested_rows(instance) -> list[tuple[str, models.QuerySet]]:
    """Rows without a history edited with the instance (or the instance itself)."""
    if isinstance(instance, Declaration):
        return [("paragraphs", Paragraph.objects.filter(declaration=instance))]
    if isinstance(instance, Paragraph):
        return [("paragraph", Paragraph.objects.filter(pk=instance.pk))]
    return []


def _history(model, key: str, pk):
    return model.history.filter(**{key: pk})


def _own_history(instance):
    model = type(instance)
    if not hasattr(model, "history"):
        return None
    return _history(model, model._meta.pk.attname, instance.pk)


def codebook_version(instance) -> str:
    """The version of a codebook object as an editor's form shows it: changes
    whenever it, or a row edited with it, is saved."""
    parts = []
    own = _own_history(instance)
    histories = [(type(instance), own)] if own is not None else []
    histories += [
        (model, _history(model, key, instance.pk))
        for model, key in _related_histories(instance)
    ]
    for model, records in histories:
        latest = records.aggregate(latest=models.Max("history_id"))["latest"]
        parts.append(f"{model._meta.model_name}:{latest or 0}")
    for label, rows in _digested_rows(instance):
        values = repr(list(rows.order_by("pk").values_list()))
        parts.append(f"{label}:{hashlib.sha256(values.encode()).hexdigest()[:16]}")
    return " ".join(parts)


def _parts(version: str) -> dict[str, str]:
    return dict(part.split(":", 1) for part in version.split() if ":" in part)


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    text = " ".join(str(value).split())
    if len(text) > SHOWN_LENGTH:
        return text[: SHOWN_LENGTH - 1] + "…"
    return text


def _field_shown(obj, field) -> str:
    if obj is None:
        return "—"
    if field.is_relation:
        return _shown(getattr(obj, field.name, None))
    return _shown(field.value_from_object(obj))


class StaleEdit(ValidationError):
    """An editor's form was built before someone else saved the object: what
    changed, as (field, yours, theirs, when you opened), and the version now."""

    def __init__(self, *, what: str, saved_by, saved_at, changes, version: str):
        self.changes, self.version = changes, version
        who = saved_by.get_username() if saved_by else "someone"
        when = f" at {timezone.localtime(saved_at):%-d %B %Y %H:%M}" if saved_at else ""
        lines = [
            f"Someone saved this {what} while you were editing ({who}{when}). "
            "Nothing was written. What changed since you opened the form is "
            "listed below (field: yours / theirs / when you opened). The form "
            "still holds your values: save again only if they should replace "
            "theirs."
        ]
        lines += [
            f"{label}: yours “{yours}” / theirs “{theirs}” / when you opened “{opened}”"
            for label, yours, theirs, opened in changes
        ]
        super().__init__([ValidationError(line, code="stale") for line in lines])


def refuse_stale_edit(*, instance, seen: str, yours: dict) -> None:
    """Lock a codebook object and raise StaleEdit if it (or a row edited with it)
    was saved since the form showing version ``seen`` was built; ``yours`` is
    what the form submits, by field name. Call it inside the save's transaction,
    before anything is written."""
    model = type(instance)
    list(model._default_manager.select_for_update().filter(pk=instance.pk).values("pk"))
    version = codebook_version(instance)
    if version == seen:
        return
    seen_parts = _parts(seen)
    changes, saved = [], None
    current = model._default_manager.get(pk=instance.pk)
    own = _own_history(instance)
    opened = None
    if own is not None:
        since = int(seen_parts.get(model._meta.model_name, 0) or 0)
        opened = own.filter(history_id__lte=since).order_by("-history_id").first()
        saved = own.filter(history_id__gt=since).order_by("-history_id").first()
    for name, value in yours.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not field.concrete or field.many_to_many:
            continue
        theirs = field.value_from_object(current)
        if opened is not None:
            if field.value_from_object(opened) == theirs:
                continue  # they did not change it
        elif (value.pk if isinstance(value, models.Model) else value) == theirs:
            continue
        changes.append(
            (
                str(field.verbose_name),
                _shown(value),
                _field_shown(current, field),
                _field_shown(opened, field),
            )
        )
    for related, key in _related_histories(instance):
        since = int(seen_parts.get(related._meta.model_name, 0) or 0)
        records = _history(related, key, instance.pk).filter(history_id__gt=since)
        what = related._meta.verbose_name
        for record in records.order_by("history_id"):
            saved = saved or record
            if record.history_type == "+":
                changes.append((f"{what}: added", "—", _shown(record.instance), "—"))
            elif record.history_type == "-":
                changes.append(
                    (f"{what}: removed", "—", "removed", _shown(record.instance))
                )
            elif (previous := record.prev_record) is not None:
                for change in record.diff_against(previous).changes:
                    label = related._meta.get_field(change.field).verbose_name
                    changes.append(
                        (
                            f"{what}: {label}",
                            "—",
                            _shown(change.new),
                            _shown(change.old),
                        )
                    )
    for label, _ in _digested_rows(instance):
        if seen_parts.get(label) != _parts(version).get(label) and label != "paragraph":
            changes.append((label, "—", "changed since you opened the form", "—"))
    raise StaleEdit(
        what=str(model._meta.verbose_name),
        saved_by=getattr(saved, "history_user", None),
        saved_at=getattr(saved, "history_date", None),
        changes=changes,
        version=version,
    )
