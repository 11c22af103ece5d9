"""The editors' forms: a codebook form refuses to save over someone else's save
(``FreshForm``), and a commitment's reference changes only with a reason."""

from django import forms
from django.core.exceptions import ValidationError

from .. import services
from ..models import Commitment
from ..text import refuse_control_characters


class FreshForm(forms.ModelForm):
    """A codebook form that carries the version it was built from
    (``services.codebook_version``) and is refused, with what changed, if
    someone saved the object since (``services.refuse_stale_edit``). Once
    refused, it carries the version now: saving again is a choice made with the
    changes in view."""

    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["seen_version"] = services.codebook_version(self.instance)

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen_version")
        if self.instance.pk and seen and not self.errors:
            try:
                services.refuse_stale_edit(
                    instance=self.instance, seen=seen, yours=cleaned
                )
            except services.StaleEdit as stale:
                self.data = self.data.copy()
                self.data[self.add_prefix("seen_version")] = stale.version
                raise
        return cleaned


class CommitmentAdminForm(FreshForm):
    reference_reason = forms.CharField(
        label="Why the reference changes",
        required=False,
        max_length=2000,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to correct a published reference: the old one is kept "
        "and redirects (301) to the new one.",
    )

    class Meta:
        model = Commitment
        fields = [
            "declaration",
            "paragraph",
            "reference",
            "title",
            "kind",
            "quote",
            "theme",
            "notes",
        ]

    def renames(self) -> bool:
        return bool(self.instance.pk and "reference" in self.changed_data)

    def clean(self):
        cleaned = super().clean()
        reference = cleaned.get("reference")
        if reference and (not self.instance.pk or self.renames()):
            services.reference_available(reference=reference, commitment=self.instance)
        if self.renames() and not (cleaned.get("reference_reason") or "").strip():
            raise ValidationError(
                {
                    "reference_reason": "Say why the published reference changes: "
                    "the old one is kept and redirects to the new one."
                }
            )
        return cleaned


class WithdrawalForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Shown on the commitment's page, which then answers 410 Gone.",
    )
