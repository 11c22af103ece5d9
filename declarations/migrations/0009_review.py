"""Issue 10: assessments are reviewed before they are published; the ladder gains
'no evidence available' and 'partly implemented'; a superseded assessment names
its successor.

Every assessment recorded before review existed was public at once: it stays
published, as of when it was recorded. Analysts and editors get the permission to
review (codename spelled here: no app code is imported).
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import declarations.models.records
import declarations.text

REVIEW = "review_assessment"
UNNAMED_SUCCESSOR = (
    "Not named: recorded before a superseded assessment had to name its successor"
)


def grant_reviewers(apps, schema_editor):
    app_config = apps.get_app_config("declarations")
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="declarations", codename=REVIEW
    )
    for name in ("Analysts", "Editors"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def revoke_reviewers(apps, schema_editor):
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="declarations", codename=REVIEW
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0008_hostile_conditions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="assessment",
            options={
                "ordering": ["-as_of", "-recorded_at", "-pk"],
                "permissions": [
                    ("correct_any_assessment", "Can correct any analyst's assessment"),
                    ("review_assessment", "Can review another analyst's assessment"),
                ],
            },
        ),
        migrations.RemoveConstraint(
            model_name="assessment",
            name="assessment_status_valid",
        ),
        migrations.RemoveConstraint(
            model_name="assessment",
            name="assessment_corrected_once",
        ),
        migrations.RemoveConstraint(
            model_name="commitmentstate",
            name="commitment_state_status_valid",
        ),
        migrations.RemoveConstraint(
            model_name="statusperiod",
            name="status_period_status_valid",
        ),
        migrations.AddField(
            model_name="assessment",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When it became public: at review, or when recorded where the install publishes directly. What ?known_on= reads.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="review",
            field=models.CharField(
                choices=[
                    ("draft", "Draft, awaiting review"),
                    ("published", "Published"),
                    ("returned", "Returned to its author"),
                ],
                default="published",
                help_text="Only published assessments count anywhere the public can see.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="review_comment",
            field=models.TextField(
                blank=True,
                help_text="Why it was returned (required), or a note on approval.",
                max_length=2000,
                validators=[
                    declarations.text.ControlCharacterValidator(),
                    django.core.validators.MaxLengthValidator(2000),
                ],
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="reviewed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="assessment",
            name="reviewed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assessments_reviewed",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="superseding_decision",
            field=models.CharField(
                blank=True,
                help_text="For 'superseded', when what replaced it is not a commitment tracked here: the decision, as its source names it.",
                max_length=300,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="rationale",
            field=models.TextField(
                max_length=4000,
                validators=[
                    declarations.text.ControlCharacterValidator(),
                    declarations.models.records.substantive,
                    django.core.validators.MaxLengthValidator(4000),
                ],
            ),
        ),
        migrations.RunSQL(
            "UPDATE declarations_assessment SET published_at = recorded_at",
            reverse_sql=migrations.RunSQL.noop,
        ),
        # Said as it is, not guessed: the successor was never recorded.
        migrations.RunSQL(
            "UPDATE declarations_assessment SET superseding_decision = "
            f"'{UNNAMED_SUCCESSOR}' WHERE status = 'superseded' "
            "AND superseded_by_id IS NULL AND superseding_decision = ''",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="assessment",
            name="status",
            field=models.CharField(
                choices=[
                    ("not_started", "Not started"),
                    ("in_progress", "In progress"),
                    ("stalled", "Stalled"),
                    ("no_evidence", "No evidence available"),
                    ("implemented", "Implemented"),
                    ("partly_implemented", "Partly implemented"),
                    ("superseded", "Superseded"),
                    ("abandoned", "Abandoned"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="commitmentstate",
            name="status",
            field=models.CharField(
                choices=[
                    ("unassessed", "Unassessed"),
                    ("not_started", "Not started"),
                    ("in_progress", "In progress"),
                    ("stalled", "Stalled"),
                    ("no_evidence", "No evidence available"),
                    ("implemented", "Implemented"),
                    ("partly_implemented", "Partly implemented"),
                    ("superseded", "Superseded"),
                    ("abandoned", "Abandoned"),
                ],
                default="unassessed",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="figuretally",
            name="status",
            field=models.CharField(
                choices=[
                    ("unassessed", "Unassessed"),
                    ("not_started", "Not started"),
                    ("in_progress", "In progress"),
                    ("stalled", "Stalled"),
                    ("no_evidence", "No evidence available"),
                    ("implemented", "Implemented"),
                    ("partly_implemented", "Partly implemented"),
                    ("superseded", "Superseded"),
                    ("abandoned", "Abandoned"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="statusperiod",
            name="status",
            field=models.CharField(
                choices=[
                    ("not_started", "Not started"),
                    ("in_progress", "In progress"),
                    ("stalled", "Stalled"),
                    ("no_evidence", "No evidence available"),
                    ("implemented", "Implemented"),
                    ("partly_implemented", "Partly implemented"),
                    ("superseded", "Superseded"),
                    ("abandoned", "Abandoned"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                condition=models.Q(("review", "draft")),
                fields=["recorded_at", "id"],
                name="assessment_drafts",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "unassessed",
                            "not_started",
                            "in_progress",
                            "stalled",
                            "no_evidence",
                            "implemented",
                            "partly_implemented",
                            "superseded",
                            "abandoned",
                        ],
                    ),
                    models.Q(("status", "unassessed"), _negated=True),
                ),
                name="assessment_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("review", "returned"), _negated=True),
                fields=("corrects",),
                name="assessment_corrected_once",
                violation_error_message="That assessment has already been corrected; correct the correction instead.",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(("review__in", ["draft", "published", "returned"])),
                name="assessment_review_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("review", "published"), _negated=True),
                    ("published_at__isnull", False),
                    _connector="OR",
                ),
                name="assessment_published_when",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("reviewed_by__isnull", True),
                    models.Q(("reviewed_by", models.F("recorded_by")), _negated=True),
                    _connector="OR",
                ),
                name="assessment_not_reviewed_by_author",
                violation_error_message="An assessment is reviewed by someone other than its author.",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("review", "returned"), _negated=True),
                    models.Q(("review_comment", ""), _negated=True),
                    _connector="OR",
                ),
                name="assessment_returned_with_comment",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "superseded"), _negated=True),
                    ("superseded_by__isnull", False),
                    models.Q(("superseding_decision", ""), _negated=True),
                    _connector="OR",
                ),
                name="assessment_superseded_names_successor",
                violation_error_message="A superseded assessment names what superseded it.",
            ),
        ),
        migrations.AddConstraint(
            model_name="commitmentstate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "unassessed",
                            "not_started",
                            "in_progress",
                            "stalled",
                            "no_evidence",
                            "implemented",
                            "partly_implemented",
                            "superseded",
                            "abandoned",
                        ],
                    )
                ),
                name="commitment_state_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="statusperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "unassessed",
                            "not_started",
                            "in_progress",
                            "stalled",
                            "no_evidence",
                            "implemented",
                            "partly_implemented",
                            "superseded",
                            "abandoned",
                        ],
                    ),
                    models.Q(("status", "unassessed"), _negated=True),
                ),
                name="status_period_status_valid",
            ),
        ),
        migrations.RunPython(grant_reviewers, revoke_reviewers),
    ]
