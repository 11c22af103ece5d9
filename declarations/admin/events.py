"""Events in the admin: their deadlines, the ones overdue for a date, and the
form that records an event as held (``services.event_held``)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .. import services
from ..models import Deadline, Event, Precision
from . import DerivesFromTheCodebook, ReadOnlyMixin


class ResolutionFilter(admin.SimpleListFilter):
    title = "date"
    parameter_name = "resolution"

    def lookups(self, request, model_admin):
        return [
            ("unresolved", "Unresolved after their window closed"),
            ("awaited", "Not held yet"),
            ("held", "Held"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "unresolved":
            return queryset.unresolved_after_window(timezone.localdate())
        if self.value() == "awaited":
            return queryset.awaited()
        if self.value() == "held":
            return queryset.filter(held_on__isnull=False)
        return queryset


class WaitingDeadlineInline(ReadOnlyMixin, admin.TabularInline):
    """The deadlines tied to the event; each is edited on its commitment."""

    model = Deadline
    fk_name = "waits_for"
    extra = 0
    fields = ["commitment_link", "wording", "window_display", "note"]
    readonly_fields = fields
    verbose_name = "deadline waiting for it"
    verbose_name_plural = "deadlines waiting for it"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("commitment")

    @admin.display(description="commitment")
    def commitment_link(self, obj):
        url = reverse("admin:declarations_commitment_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.commitment.reference)


class EventHeldForm(forms.Form):
    date = forms.DateField(help_text="The day it was held (YYYY-MM-DD).")
    precision = forms.ChoiceField(
        choices=Precision.choices,
        initial=Precision.DAY,
        help_text="How precisely the date is known; the deadlines narrow to "
        "that period.",
    )
    place = forms.CharField(max_length=200, required=False)
    source_url = forms.URLField(
        required=False, max_length=1000, assume_scheme="https", label="Source URL"
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How the date is known (the source); kept with each deadline's "
        "revision.",
    )
    outside_window = forms.BooleanField(
        required=False,
        label="It was held outside the window it was expected in (the reason says why)",
    )
    correction = forms.BooleanField(
        required=False,
        label="This corrects the date recorded before (the reason says why)",
    )


@admin.register(Event)
class EventAdmin(DerivesFromTheCodebook, SimpleHistoryAdmin):
    list_display = [
        "name",
        "body",
        "expected_window_display",
        "held_display",
        "place",
        "deadline_count",
    ]
    list_filter = [ResolutionFilter, "body"]
    list_select_related = ["body"]
    search_fields = ["name", "place", "notes"]
    autocomplete_fields = ["body"]
    readonly_fields = ["held_on", "held_precision"]
    fieldsets = [
        (None, {"fields": ["name", "body"]}),
        (
            "Expected (what the wording allows)",
            {"fields": ["expected_earliest", "expected_latest", "expected_precision"]},
        ),
        (
            "Held (recorded with “Record as held”)",
            {"fields": ["held_on", "held_precision", "place", "source_url"]},
        ),
        (None, {"fields": ["notes"]}),
    ]
    inlines = [WaitingDeadlineInline]
    actions = ["record_as_held"]
    formfield_overrides = ReadOnlyMixin.formfield_overrides

    def get_queryset(self, request):
        return super().get_queryset(request).with_deadline_count()

    def affected(self, obj):
        # The pages of the commitments whose deadlines wait for it show it.
        return list(obj.deadlines.values_list("pk", flat=True)) if obj.pk else []

    @admin.display(description="expected")
    def expected_window_display(self, obj):
        return obj.expected_window_display

    @admin.display(description="held", ordering="held_on")
    def held_display(self, obj):
        return obj.held_display if obj.is_held else "—"

    @admin.display(description="deadlines", ordering="deadline_count")
    def deadline_count(self, obj):
        return obj.deadline_count

    def get_urls(self):
        return [
            path(
                "<path:object_id>/held/",
                self.admin_site.admin_view(self.held_view),
                name="declarations_event_held",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Record the event as held", permissions=["change"])
    def record_as_held(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Select one event to record as held.", messages.ERROR
            )
            return None
        event = queryset.get()
        return HttpResponseRedirect(
            reverse("admin:declarations_event_held", args=[event.pk])
        )

    def held_view(self, request, object_id):
        event = get_object_or_404(Event, pk=object_id)
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        initial = {"place": event.place, "source_url": event.source_url}
        form = EventHeldForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                revisions = services.event_held(
                    event=event, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        known = field if field in form.fields else None
                        form.add_error(known, errors)
                else:
                    form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    f"{event} is recorded as held; {len(revisions)} deadline(s) "
                    "narrowed, each with its revision.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:declarations_event_change", args=[event.pk])
                )
        return TemplateResponse(
            request,
            "admin/declarations/event/held.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Record “{event}” as held",
                "opts": self.model._meta,
                "original": event,
                "form": form,
                "deadlines": event.deadlines.select_related("commitment").order_by(
                    "pk"
                ),
            },
        )
