"""Links between commitments: editors confirm or dismiss what suggest_links found.

A link entered here by hand starts as a suggestion too, so every public link has
been confirmed by an editor (the "Confirm" action), with who and when recorded.
A decided link is read-only; nobody deletes one, so the record stays.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from .. import services
from ..models import CommitmentLink, LinkState, LinkType


def _confirm_as(link_type):
    def action(modeladmin, request, queryset):
        modeladmin.decide(request, queryset, link_type)

    action.__name__ = f"confirm_as_{link_type}"
    return admin.action(
        description=f"Confirm the selected suggestions as “{link_type.label.lower()}”",
        permissions=["change"],
    )(action)


@admin.register(CommitmentLink)
class CommitmentLinkAdmin(admin.ModelAdmin):
    list_display = [
        "from_commitment",
        "type",
        "to_commitment",
        "state",
        "score",
        "created_by",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["state", "type"]
    list_select_related = [
        "from_commitment",
        "to_commitment",
        "created_by",
        "decided_by",
    ]
    search_fields = [
        "from_commitment__reference",
        "to_commitment__reference",
        "from_commitment__declaration__slug",
        "note",
    ]
    autocomplete_fields = ["from_commitment", "to_commitment"]
    fields = [
        "from_commitment",
        "type",
        "to_commitment",
        "note",
        "state",
        "score",
        "created_by",
        "created_at",
        "decided_by",
        "decided_at",
    ]
    readonly_fields = [
        "state",
        "score",
        "created_by",
        "created_at",
        "decided_by",
        "decided_at",
    ]
    actions = [
        "confirm_selected",
        *(_confirm_as(t) for t in LinkType),
        "dismiss_selected",
    ]

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state != LinkState.SUGGESTED:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def decide(self, request, queryset, link_type=None, dismiss=False):
        done, refused = 0, []
        for link in queryset.select_related("from_commitment", "to_commitment"):
            try:
                if dismiss:
                    services.link_dismiss(link=link, dismissed_by=request.user)
                else:
                    services.link_confirm(
                        link=link, confirmed_by=request.user, type=link_type
                    )
                done += 1
            except ValidationError as error:
                refused.append(f"{link}: {' '.join(error.messages)}")
        verb = "dismissed" if dismiss else "confirmed"
        self.message_user(request, f"{done} link(s) {verb}.", messages.SUCCESS)
        for problem in refused:
            self.message_user(request, problem, messages.ERROR)

    @admin.action(
        description="Confirm the selected suggestions (with their type)",
        permissions=["change"],
    )
    def confirm_selected(self, request, queryset):
        self.decide(request, queryset)

    @admin.action(
        description="Dismiss the selected suggestions", permissions=["change"]
    )
    def dismiss_selected(self, request, queryset):
        self.decide(request, queryset, dismiss=True)
