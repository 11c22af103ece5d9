"""Issue 10 item 5: blind double coding. A coding round belongs to a commitment;
the assessments recorded in it point to it; a coding not published is set aside.

Editors open rounds and close them unsettled; analysts and editors read them
(codenames spelled here: no app code is imported).
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import declarations.text

GRANTS = {
    "Analysts": ["view_codinground"],
    "Editors": ["view_codinground", "add_codinground", "change_codinground"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("declarations")
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="declarations", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="declarations", content_type__model="codinground"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0011_source_checks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CodingRound",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("opened_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "both_in_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the second coding arrived: from then the codings are no longer blind, and a reviewer may settle.",
                        null=True,
                    ),
                ),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "comment",
                    models.TextField(
                        blank=True,
                        help_text="The reviewer's note on the settlement, or why the round was closed unsettled (required then).",
                        max_length=2000,
                        validators=[
                            declarations.text.ControlCharacterValidator(),
                            django.core.validators.MaxLengthValidator(2000),
                        ],
                    ),
                ),
            ],
            options={
                "ordering": ["-opened_at", "-pk"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="assessment",
            name="assessment_review_valid",
        ),
        migrations.AlterField(
            model_name="assessment",
            name="review",
            field=models.CharField(
                choices=[
                    ("draft", "Draft, awaiting review"),
                    ("published", "Published"),
                    ("returned", "Returned to its author"),
                    ("set_aside", "Set aside in double coding"),
                ],
                default="published",
                help_text="Only published assessments count anywhere the public can see.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="codinground",
            name="closed_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Who settled it, or who closed it unsettled.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="coding_rounds_closed",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="codinground",
            name="coder_a",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty, with the second coder, for any two analysts.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="codinground",
            name="coder_b",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="codinground",
            name="commitment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="coding_rounds",
                to="declarations.commitment",
            ),
        ),
        migrations.AddField(
            model_name="codinground",
            name="opened_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="coding_rounds_opened",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="codinground",
            name="settled_with",
            field=models.OneToOneField(
                blank=True,
                help_text="The assessment published as the round's outcome: one coding, or the reviewer's own.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="settles",
                to="declarations.assessment",
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="coding_round",
            field=models.ForeignKey(
                blank=True,
                help_text="The blind double-coding round this assessment is a coding in.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assessments",
                to="declarations.codinground",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("coding_round__isnull", False)),
                fields=("coding_round", "recorded_by"),
                name="assessment_one_coding_per_coder",
                violation_error_message="Each coder records one assessment in a double-coding round.",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("coding_round__isnull", True),
                    models.Q(
                        ("corrects__isnull", True), ("member_state__isnull", True)
                    ),
                    _connector="OR",
                ),
                name="assessment_coding_is_overall_and_new",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("review__in", ["draft", "published", "returned", "set_aside"])
                ),
                name="assessment_review_valid",
            ),
        ),
        migrations.AddIndex(
            model_name="codinground",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", True)),
                fields=["opened_at", "id"],
                name="coding_round_open",
            ),
        ),
        migrations.AddConstraint(
            model_name="codinground",
            constraint=models.UniqueConstraint(
                condition=models.Q(("closed_at__isnull", True)),
                fields=("commitment",),
                name="coding_round_one_open",
                violation_error_message="This commitment already has an open double-coding round.",
            ),
        ),
        migrations.AddConstraint(
            model_name="codinground",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("coder_a__isnull", True), ("coder_b__isnull", True)),
                    models.Q(("coder_a__isnull", False), ("coder_b__isnull", False)),
                    _connector="OR",
                ),
                name="coding_round_two_coders_or_none",
            ),
        ),
        migrations.AddConstraint(
            model_name="codinground",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("coder_a__isnull", True),
                    models.Q(("coder_a", models.F("coder_b")), _negated=True),
                    _connector="OR",
                ),
                name="coding_round_two_distinct_coders",
                violation_error_message="The two coders are two different analysts.",
            ),
        ),
        migrations.AddConstraint(
            model_name="codinground",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("closed_at__isnull", True), ("closed_by__isnull", True)),
                    models.Q(
                        ("closed_at__isnull", False), ("closed_by__isnull", False)
                    ),
                    _connector="OR",
                ),
                name="coding_round_closed_by_whom",
            ),
        ),
        migrations.AddConstraint(
            model_name="codinground",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("settled_with__isnull", True),
                    models.Q(
                        ("both_in_at__isnull", False), ("closed_at__isnull", False)
                    ),
                    _connector="OR",
                ),
                name="coding_round_settled_when_both_in",
            ),
        ),
        migrations.AddConstraint(
            model_name="codinground",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("closed_by", models.F("coder_a")), _negated=True),
                    models.Q(("closed_by", models.F("coder_b")), _negated=True),
                ),
                name="coding_round_not_closed_by_a_coder",
                violation_error_message="A coder does not settle their own round.",
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
