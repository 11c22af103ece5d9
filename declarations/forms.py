"""Analysts' forms. They validate input; services.py applies the rules and writes."""

import functools

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils import timezone

from .models import Assessment, BodyKind, Commitment, DatePrecision, Evidence, Status
from .services.records import correctable_by
from .text import refuse_control_characters


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class EvidenceForm(forms.ModelForm):
    source_url = forms.URLField(
        label="Source URL",
        required=False,
        max_length=1000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="http or https only.",
    )
    archived_url = forms.URLField(
        label="Archived copy",
        required=False,
        max_length=1000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://web.archive.org/..."}),
        help_text="Optional: an archived copy whose address you have seen.",
    )

    class Meta:
        model = Evidence
        fields = [
            "event_date",
            "event_date_precision",
            "summary",
            "source_title",
            "source_publisher",
            "source_url",
            "source_language",
            "archived_url",
            "accessed_on",
            "excerpt",
            "direction",
            "confidence",
        ]
        widgets = {
            "event_date": DateInput(),
            "accessed_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "excerpt": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "event_date_precision": "The source dates it to the",
            "source_language": "Language of the source",
        }
        help_texts = {
            "event_date": "When it happened in the world.",
            "excerpt": "The source's own words, verbatim, that support the summary.",
        }

    def __init__(self, *args, commitment, **kwargs):
        super().__init__(*args, **kwargs)
        self.commitment = commitment
        today = timezone.localdate().isoformat()
        self.fields["event_date"].widget.attrs["max"] = today
        self.fields["accessed_on"].widget.attrs["max"] = today
        # What a researcher needs to check the entry: asked of every new one.
        required = (
            "source_publisher",
            "source_language",
            "accessed_on",
            "excerpt",
            "confidence",
        )
        for name in required:
            self.fields[name].required = True
        self.fields["source_language"].widget.attrs.update(size=6, placeholder="en")
        if not self.is_bound:
            self.initial.setdefault("accessed_on", timezone.localdate())

    def clean_event_date(self):
        value = self.cleaned_data["event_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The event date cannot be in the future.")
        return value

    def clean(self):
        cleaned = super().clean()
        day, precision = cleaned.get("event_date"), cleaned.get("event_date_precision")
        # An event known only to the month or year is stored as its first day.
        if day and precision == DatePrecision.MONTH:
            cleaned["event_date"] = day.replace(day=1)
        elif day and precision == DatePrecision.YEAR:
            cleaned["event_date"] = day.replace(month=1, day=1)
        return cleaned

    def clean_accessed_on(self):
        value = self.cleaned_data["accessed_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The accessed date cannot be in the future.")
        return value


class AssessmentForm(forms.ModelForm):
    """Record an assessment; ``seen_latest`` carries the latest one the page showed."""

    seen_latest = forms.IntegerField(widget=forms.HiddenInput, required=False)
    superseded_by = forms.CharField(
        label="Superseded by",
        required=False,
        max_length=40,
        validators=[refuse_control_characters],
        help_text="For 'superseded': the reference of the commitment that replaced "
        "this one, if the tracker holds it.",
    )

    class Meta:
        model = Assessment
        fields = [
            "status",
            "as_of",
            "member_state",
            "confidence",
            "rationale",
            "evidence",
            "corrects",
            "superseding_decision",
        ]
        widgets = {
            "as_of": DateInput(),
            "rationale": forms.Textarea(attrs={"rows": 4}),
            "evidence": forms.CheckboxSelectMultiple,
        }
        labels = {
            "as_of": "As of",
            "evidence": "Evidence it rests on",
            "corrects": "Corrects an earlier assessment",
            "superseding_decision": "Superseding decision",
        }
        help_texts = {
            "as_of": "The day this status became true in the world.",
            "member_state": "Only to assess one member state's record; leave empty "
            "for the commitment as a whole.",
        }

    def __init__(
        self, *args, commitment, seen_latest=None, user=None, corrects=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.commitment = commitment
        self.fields["status"].choices = [("", "---------"), *Status.assessable()]
        self.fields["evidence"].queryset = commitment.evidence.standing().order_by(
            "-event_date", "-pk"
        )
        self.fields["evidence"].label_from_instance = lambda e: (
            f"{e.event_date_display}: {e.summary[:120]}"
        )
        states = commitment.bodies.filter(kind=BodyKind.MEMBER_STATE).distinct()
        self.fields["member_state"].queryset = states
        if not states:
            del self.fields["member_state"]
        # Only what this user may correct (services.records.CORRECTION_POLICY).
        # Only a published assessment is corrected (so no draft, and no blind
        # coding, is offered here).
        correctable = (
            commitment.assessments.published()
            .effective()
            .select_related("member_state")
        )
        if user is not None:
            correctable = correctable_by(user, correctable)
        self.fields["corrects"].queryset = correctable
        self.fields["corrects"].label_from_instance = lambda a: (
            f"{a.get_status_display()} as of {a.as_of:%-d %b %Y}"
            + (f" ({a.member_state})" if a.member_state else "")
        )
        self.fields["as_of"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["as_of"].widget.attrs["min"] = (
            commitment.declaration.date.isoformat()
        )
        if not self.is_bound:
            if corrects and correctable.filter(pk=corrects).exists():
                self.initial.setdefault("corrects", corrects)
            self.initial.setdefault("seen_latest", seen_latest)
            self.initial.setdefault("as_of", timezone.localdate())

    def clean_superseded_by(self):
        reference = self.cleaned_data["superseded_by"].strip()
        if not reference:
            return None
        found = (
            type(self.commitment)
            .objects.exclude(pk=self.commitment.pk)
            .filter(reference=reference)
            .first()
        )
        if found is None:
            raise forms.ValidationError(
                f"No other commitment has the reference {reference!r}."
            )
        return found

    def clean(self):
        cleaned = super().clean()
        if "member_state" not in self.fields and self.data.get(
            self.add_prefix("member_state")
        ):
            # The field is not shown, but a member state was sent: refuse it rather
            # than record an overall assessment the analyst did not mean.
            raise forms.ValidationError(
                "Member state: this commitment binds no member state, so it is "
                "assessed only as a whole. Leave the member state out.",
                code="no_member_state",
            )
        if cleaned.get("superseded_by") and cleaned.get("status") != Status.SUPERSEDED:
            self.add_error(
                "superseded_by",
                "Only a superseded assessment names what replaced it.",
            )
        return cleaned


class RetractionForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown publicly beside the retracted evidence.",
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """The password-reset form, whose mail the task worker sends
    (``tasks.send_password_reset``): the request enqueues the address once its
    transaction commits and returns, the same way for every address."""

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        from .tasks import send_password_reset

        domain = domain_override or request.get_host()
        transaction.on_commit(
            functools.partial(
                send_password_reset.enqueue,
                email=self.cleaned_data["email"],
                domain=domain,
                use_https=use_https,
            )
        )


class CodingRoundOpenForm(forms.Form):
    """An editor opens a commitment to blind double coding."""

    reference = forms.CharField(
        label="Commitment reference",
        max_length=40,
        validators=[refuse_control_characters],
        help_text="The commitment to double-code, e.g. AST2005-05.",
    )
    coder_a = forms.CharField(
        label="First coder",
        required=False,
        max_length=150,
        validators=[refuse_control_characters],
        help_text="A username; leave both coders empty for any two analysts.",
    )
    coder_b = forms.CharField(
        label="Second coder",
        required=False,
        max_length=150,
        validators=[refuse_control_characters],
    )

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        found = Commitment.objects.filter(reference=reference).first()
        if found is None:
            raise forms.ValidationError(
                f"No commitment has the reference {reference!r}."
            )
        return found

    def clean(self):
        cleaned = super().clean()
        names = [cleaned.get("coder_a", "").strip(), cleaned.get("coder_b", "").strip()]
        if any(names) and not all(names):
            self.add_error(
                "coder_b" if names[0] else "coder_a",
                "Name both coders, or neither for any two analysts.",
            )
        cleaned["coders"] = names if all(names) else []
        return cleaned


class SettleChooseForm(forms.Form):
    """A reviewer publishes one of a round's two codings."""

    choose = forms.ModelChoiceField(
        queryset=Assessment.objects.none(),
        widget=forms.RadioSelect,
        label="Publish this coding",
        error_messages={"required": "Choose the coding to publish."},
    )
    comment = forms.CharField(
        required=False,
        max_length=2000,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: why this one. Both coders read it.",
    )

    def __init__(self, *args, coding_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choose"].queryset = coding_round.assessments.all()
        self.fields["choose"].label_from_instance = lambda a: (
            f"{a.get_status_display()} as of {a.as_of:%-d %b %Y}, by "
            f"{a.recorded_by.get_username() if a.recorded_by else 'the codebook'}"
        )


class CodingRoundCloseForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the round is closed unsettled; its codings are set aside.",
    )
