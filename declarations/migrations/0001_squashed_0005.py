"""The schema as migrations 0001 to 0005 left it, in one migration.

It replaces them: a database that applied them is taken to have applied this one,
and a new database gets the same tables, constraints, indexes and groups from it.
It imports no code of the app: the two groups' permissions are listed here, and
the PostgreSQL-only indexes (full-text search, reference prefixes) are declared in
the migration state like any other index.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

import declarations.models.indexes

ANALYST_PERMISSIONS = [
    "add_evidence",
    "view_evidence",
    "add_assessment",
    "view_assessment",
    "view_commitment",
    "view_declaration",
    "view_body",
    "view_deadline",
]
CODEBOOK_MODELS = [
    "declaration",
    "paragraph",
    "body",
    "commitment",
    "commitmentbody",
    "deadline",
]
EDITOR_PERMISSIONS = [
    *ANALYST_PERMISSIONS,
    *(
        f"{action}_{model}"
        for model in CODEBOOK_MODELS
        for action in ("add", "change", "delete", "view")
    ),
    "add_deadlinerevision",
    "view_deadlinerevision",
    *(
        f"view_historical{model}"
        for model in ("declaration", "body", "commitment", "commitmentbody", "deadline")
    ),
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("declarations")
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (
        ("Analysts", ANALYST_PERMISSIONS),
        ("Editors", EDITOR_PERMISSIONS),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="declarations", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions not found: {sorted(missing)}")
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Analysts", "Editors"]
    ).delete()


class Migration(migrations.Migration):
    replaces = [
        ("declarations", "0001_initial"),
        ("declarations", "0002_role_groups"),
        ("declarations", "0003_status_periods_and_ledger_version"),
        ("declarations", "0004_commitment_search_index"),
        ("declarations", "0005_page_indexes"),
    ]

    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Commitment",
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
                (
                    "reference",
                    models.CharField(
                        help_text="Stable public reference, e.g. AST2005-05. Never change it once published: URLs, exports and citations use it.",
                        max_length=40,
                        unique=True,
                    ),
                ),
                ("title", models.CharField(max_length=300)),
                ("theme", models.CharField(db_index=True, max_length=100)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("decision", "Decision or agreement"),
                            ("pledge", "Pledge to act"),
                            ("call", "Call on others"),
                        ],
                        default="pledge",
                        max_length=10,
                    ),
                ),
                (
                    "quote",
                    models.TextField(
                        help_text="Verbatim, exactly as in the paragraph."
                    ),
                ),
                (
                    "notes",
                    models.TextField(
                        blank=True, help_text="How the commitment was coded."
                    ),
                ),
                (
                    "current_status",
                    models.CharField(
                        choices=[
                            ("unassessed", "Unassessed"),
                            ("not_started", "Not started"),
                            ("in_progress", "In progress"),
                            ("stalled", "Stalled"),
                            ("implemented", "Implemented"),
                            ("superseded", "Superseded"),
                            ("abandoned", "Abandoned"),
                        ],
                        default="unassessed",
                        editable=False,
                        max_length=20,
                    ),
                ),
                (
                    "current_status_since",
                    models.DateField(blank=True, editable=False, null=True),
                ),
            ],
            options={
                "ordering": ["declaration", "paragraph__number", "reference"],
            },
        ),
        migrations.CreateModel(
            name="Body",
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
                ("slug", models.SlugField(max_length=80, unique=True)),
                (
                    "name",
                    models.CharField(
                        help_text="Full name.", max_length=200, unique=True
                    ),
                ),
                (
                    "short_name",
                    models.CharField(
                        blank=True, help_text="Abbreviation, e.g. RATS.", max_length=60
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("organ", "Organ of the organisation"),
                            ("member_state", "Member state"),
                            ("external", "External party"),
                        ],
                        max_length=20,
                    ),
                ),
                ("description", models.TextField(blank=True)),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        help_text="The body this one sits under (the RATS Council governs RATS).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="declarations.body",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "bodies",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="Deadline",
            fields=[
                (
                    "commitment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="deadline",
                        serialize=False,
                        to="declarations.commitment",
                    ),
                ),
                (
                    "wording",
                    models.CharField(
                        blank=True,
                        help_text="Verbatim from the text, e.g. 'by the next 2006 Summit'. Empty when the text sets no deadline.",
                        max_length=300,
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("calendar", "Calendar date or period"),
                            ("event", "Event"),
                            ("vague", "Vague"),
                            ("none", "None"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "event",
                    models.CharField(
                        blank=True,
                        help_text="For event deadlines: the event, e.g. 'the 2006 SCO Summit'.",
                        max_length=300,
                    ),
                ),
                (
                    "earliest",
                    models.DateField(
                        blank=True, help_text="First day of the due window.", null=True
                    ),
                ),
                (
                    "latest",
                    models.DateField(
                        blank=True,
                        db_index=True,
                        help_text="Last day of the due window.",
                        null=True,
                    ),
                ),
                (
                    "precision",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("day", "Day"),
                            ("month", "Month"),
                            ("season", "Season"),
                            ("quarter", "Quarter"),
                            ("year", "Year"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "note",
                    models.TextField(
                        blank=True,
                        help_text="How the wording was read, e.g. 'the 2006 Summit was held in Shanghai on 15 June 2006'.",
                    ),
                ),
                (
                    "review_date",
                    models.DateField(
                        blank=True,
                        help_text="For vague or absent deadlines: when analysts should look again.",
                        null=True,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="CommitmentBody",
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
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("responsible", "Responsible"),
                            ("supporting", "Supporting"),
                            ("addressee", "Addressee"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "body",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="commitment_links",
                        to="declarations.body",
                    ),
                ),
                (
                    "commitment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="body_links",
                        to="declarations.commitment",
                    ),
                ),
            ],
            options={
                "verbose_name": "body of a commitment",
                "ordering": ["commitment", "role", "body__name"],
            },
        ),
        migrations.AddField(
            model_name="commitment",
            name="bodies",
            field=models.ManyToManyField(
                related_name="commitments",
                through="declarations.CommitmentBody",
                to="declarations.body",
            ),
        ),
        migrations.CreateModel(
            name="DeadlineRevision",
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
                ("revised_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("reason", models.TextField()),
                ("old_wording", models.CharField(blank=True, max_length=300)),
                (
                    "old_kind",
                    models.CharField(
                        choices=[
                            ("calendar", "Calendar date or period"),
                            ("event", "Event"),
                            ("vague", "Vague"),
                            ("none", "None"),
                        ],
                        max_length=10,
                    ),
                ),
                ("old_earliest", models.DateField(blank=True, null=True)),
                ("old_latest", models.DateField(blank=True, null=True)),
                (
                    "old_precision",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("day", "Day"),
                            ("month", "Month"),
                            ("season", "Season"),
                            ("quarter", "Quarter"),
                            ("year", "Year"),
                        ],
                        max_length=10,
                    ),
                ),
                ("new_wording", models.CharField(blank=True, max_length=300)),
                (
                    "new_kind",
                    models.CharField(
                        choices=[
                            ("calendar", "Calendar date or period"),
                            ("event", "Event"),
                            ("vague", "Vague"),
                            ("none", "None"),
                        ],
                        max_length=10,
                    ),
                ),
                ("new_earliest", models.DateField(blank=True, null=True)),
                ("new_latest", models.DateField(blank=True, null=True)),
                (
                    "new_precision",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("day", "Day"),
                            ("month", "Month"),
                            ("season", "Season"),
                            ("quarter", "Quarter"),
                            ("year", "Year"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "revised_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deadline_revisions",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["deadline", "revised_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Declaration",
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
                ("slug", models.SlugField(max_length=80, unique=True)),
                ("title", models.CharField(max_length=500)),
                ("place", models.CharField(blank=True, max_length=200)),
                (
                    "date",
                    models.DateField(help_text="The day the declaration was adopted."),
                ),
                ("source", models.CharField(blank=True, max_length=500)),
                (
                    "reference_prefix",
                    models.CharField(
                        help_text="Prefix of its commitments' references, e.g. AST2005.",
                        max_length=20,
                        unique=True,
                    ),
                ),
                (
                    "header_fields",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text="Every bracketed header field of the source file, verbatim.",
                    ),
                ),
                (
                    "banner",
                    models.TextField(
                        blank=True, help_text="The database banner, verbatim."
                    ),
                ),
                (
                    "full_text",
                    models.TextField(help_text="The text after [Full text], verbatim."),
                ),
                ("content_hash", models.CharField(editable=False, max_length=64)),
                ("source_file", models.CharField(blank=True, max_length=255)),
                ("imported_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["-date", "title"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("title", "date"), name="declaration_unique_title_date"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("title", ""), _negated=True),
                        name="declaration_title_not_empty",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("full_text", ""), _negated=True),
                        name="declaration_text_not_empty",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="commitment",
            name="declaration",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="commitments",
                to="declarations.declaration",
            ),
        ),
        migrations.CreateModel(
            name="Evidence",
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
                (
                    "event_date",
                    models.DateField(help_text="When it happened in the world."),
                ),
                (
                    "event_date_precision",
                    models.CharField(
                        choices=[("day", "Day"), ("month", "Month"), ("year", "Year")],
                        default="day",
                        help_text="Some sources date an event only to the month or the year.",
                        max_length=5,
                    ),
                ),
                (
                    "summary",
                    models.TextField(
                        max_length=4000,
                        validators=[django.core.validators.MaxLengthValidator(4000)],
                    ),
                ),
                ("source_title", models.CharField(max_length=500)),
                ("source_publisher", models.CharField(blank=True, max_length=300)),
                (
                    "source_url",
                    models.URLField(
                        blank=True,
                        max_length=1000,
                        validators=[
                            django.core.validators.URLValidator(
                                schemes=["http", "https"]
                            )
                        ],
                    ),
                ),
                ("accessed_on", models.DateField(blank=True, null=True)),
                (
                    "excerpt",
                    models.TextField(
                        blank=True,
                        max_length=4000,
                        validators=[django.core.validators.MaxLengthValidator(4000)],
                    ),
                ),
                (
                    "direction",
                    models.CharField(
                        choices=[
                            ("toward", "Toward implementation"),
                            ("against", "Against implementation"),
                            ("neutral", "Neither"),
                        ],
                        default="toward",
                        max_length=10,
                    ),
                ),
                (
                    "logged_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now
                    ),
                ),
                ("retracted_at", models.DateTimeField(blank=True, null=True)),
                (
                    "retraction_reason",
                    models.TextField(
                        blank=True,
                        max_length=2000,
                        validators=[django.core.validators.MaxLengthValidator(2000)],
                    ),
                ),
                (
                    "commitment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="evidence",
                        to="declarations.commitment",
                    ),
                ),
                (
                    "logged_by",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty for evidence shipped with the codebook.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="evidence_logged",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "retracted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="evidence_retracted",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "evidence",
                "ordering": ["-event_date", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="Assessment",
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
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("not_started", "Not started"),
                            ("in_progress", "In progress"),
                            ("stalled", "Stalled"),
                            ("implemented", "Implemented"),
                            ("superseded", "Superseded"),
                            ("abandoned", "Abandoned"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "confidence",
                    models.CharField(
                        choices=[
                            ("low", "Low"),
                            ("medium", "Medium"),
                            ("high", "High"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "rationale",
                    models.TextField(
                        max_length=4000,
                        validators=[django.core.validators.MaxLengthValidator(4000)],
                    ),
                ),
                (
                    "as_of",
                    models.DateField(
                        help_text="When this status became true in the world."
                    ),
                ),
                (
                    "recorded_at",
                    models.DateTimeField(default=django.utils.timezone.now),
                ),
                (
                    "corrects",
                    models.ForeignKey(
                        blank=True,
                        help_text="The earlier assessment this one corrects.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="corrections",
                        to="declarations.assessment",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty for assessments shipped with the codebook.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assessments",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "member_state",
                    models.ForeignKey(
                        blank=True,
                        help_text="Only for commitments that bind each member state: whose record this assesses. Empty for the commitment as a whole.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assessments",
                        to="declarations.body",
                    ),
                ),
                (
                    "commitment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assessments",
                        to="declarations.commitment",
                    ),
                ),
                (
                    "superseded_by",
                    models.ForeignKey(
                        blank=True,
                        help_text="For 'superseded': the later commitment that replaced this one.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="supersedes",
                        to="declarations.commitment",
                    ),
                ),
                (
                    "evidence",
                    models.ManyToManyField(
                        blank=True,
                        related_name="assessments",
                        to="declarations.evidence",
                    ),
                ),
            ],
            options={
                "ordering": ["-as_of", "-recorded_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalBody",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=80)),
                (
                    "name",
                    models.CharField(
                        db_index=True, help_text="Full name.", max_length=200
                    ),
                ),
                (
                    "short_name",
                    models.CharField(
                        blank=True, help_text="Abbreviation, e.g. RATS.", max_length=60
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("organ", "Organ of the organisation"),
                            ("member_state", "Member state"),
                            ("external", "External party"),
                        ],
                        max_length=20,
                    ),
                ),
                ("description", models.TextField(blank=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The body this one sits under (the RATS Council governs RATS).",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="declarations.body",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical body",
                "verbose_name_plural": "historical bodies",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalCommitmentBody",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("responsible", "Responsible"),
                            ("supporting", "Supporting"),
                            ("addressee", "Addressee"),
                        ],
                        max_length=12,
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "body",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="declarations.body",
                    ),
                ),
                (
                    "commitment",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="declarations.commitment",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical body of a commitment",
                "verbose_name_plural": "historical body of a commitments",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalDeadline",
            fields=[
                (
                    "wording",
                    models.CharField(
                        blank=True,
                        help_text="Verbatim from the text, e.g. 'by the next 2006 Summit'. Empty when the text sets no deadline.",
                        max_length=300,
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("calendar", "Calendar date or period"),
                            ("event", "Event"),
                            ("vague", "Vague"),
                            ("none", "None"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "event",
                    models.CharField(
                        blank=True,
                        help_text="For event deadlines: the event, e.g. 'the 2006 SCO Summit'.",
                        max_length=300,
                    ),
                ),
                (
                    "earliest",
                    models.DateField(
                        blank=True, help_text="First day of the due window.", null=True
                    ),
                ),
                (
                    "latest",
                    models.DateField(
                        blank=True,
                        db_index=True,
                        help_text="Last day of the due window.",
                        null=True,
                    ),
                ),
                (
                    "precision",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("day", "Day"),
                            ("month", "Month"),
                            ("season", "Season"),
                            ("quarter", "Quarter"),
                            ("year", "Year"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "note",
                    models.TextField(
                        blank=True,
                        help_text="How the wording was read, e.g. 'the 2006 Summit was held in Shanghai on 15 June 2006'.",
                    ),
                ),
                (
                    "review_date",
                    models.DateField(
                        blank=True,
                        help_text="For vague or absent deadlines: when analysts should look again.",
                        null=True,
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "commitment",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="declarations.commitment",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical deadline",
                "verbose_name_plural": "historical deadlines",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalDeclaration",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=80)),
                ("title", models.CharField(max_length=500)),
                ("place", models.CharField(blank=True, max_length=200)),
                (
                    "date",
                    models.DateField(help_text="The day the declaration was adopted."),
                ),
                ("source", models.CharField(blank=True, max_length=500)),
                (
                    "reference_prefix",
                    models.CharField(
                        db_index=True,
                        help_text="Prefix of its commitments' references, e.g. AST2005.",
                        max_length=20,
                    ),
                ),
                (
                    "header_fields",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text="Every bracketed header field of the source file, verbatim.",
                    ),
                ),
                (
                    "banner",
                    models.TextField(
                        blank=True, help_text="The database banner, verbatim."
                    ),
                ),
                (
                    "full_text",
                    models.TextField(help_text="The text after [Full text], verbatim."),
                ),
                ("content_hash", models.CharField(editable=False, max_length=64)),
                ("source_file", models.CharField(blank=True, max_length=255)),
                ("imported_at", models.DateTimeField(blank=True, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical declaration",
                "verbose_name_plural": "historical declarations",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Paragraph",
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
                (
                    "number",
                    models.PositiveIntegerField(
                        help_text="1-based, in document order."
                    ),
                ),
                (
                    "section",
                    models.PositiveIntegerField(
                        default=1,
                        help_text="Groups of paragraphs the text separates by a wider gap.",
                    ),
                ),
                ("text", models.TextField()),
                (
                    "declaration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="paragraphs",
                        to="declarations.declaration",
                    ),
                ),
            ],
            options={
                "ordering": ["declaration", "number"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalCommitment",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "reference",
                    models.CharField(
                        db_index=True,
                        help_text="Stable public reference, e.g. AST2005-05. Never change it once published: URLs, exports and citations use it.",
                        max_length=40,
                    ),
                ),
                ("title", models.CharField(max_length=300)),
                ("theme", models.CharField(db_index=True, max_length=100)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("decision", "Decision or agreement"),
                            ("pledge", "Pledge to act"),
                            ("call", "Call on others"),
                        ],
                        default="pledge",
                        max_length=10,
                    ),
                ),
                (
                    "quote",
                    models.TextField(
                        help_text="Verbatim, exactly as in the paragraph."
                    ),
                ),
                (
                    "notes",
                    models.TextField(
                        blank=True, help_text="How the commitment was coded."
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "declaration",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="declarations.declaration",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "paragraph",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="declarations.paragraph",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical commitment",
                "verbose_name_plural": "historical commitments",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="commitment",
            name="paragraph",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="commitments",
                to="declarations.paragraph",
            ),
        ),
        migrations.AddConstraint(
            model_name="body",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["organ", "member_state", "external"])),
                name="body_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="body",
            constraint=models.CheckConstraint(
                condition=models.Q(("parent", models.F("pk")), _negated=True),
                name="body_not_own_parent",
            ),
        ),
        migrations.AddField(
            model_name="deadlinerevision",
            name="deadline",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="revisions",
                to="declarations.deadline",
            ),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(fields=["earliest"], name="deadline_earliest_idx"),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind__in", ["calendar", "event", "vague", "none"])
                ),
                name="deadline_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("earliest__isnull", True),
                        ("latest__isnull", True),
                        ("precision", ""),
                    ),
                    models.Q(
                        ("earliest__isnull", False),
                        ("earliest__lte", models.F("latest")),
                        ("latest__isnull", False),
                        (
                            "precision__in",
                            ["day", "month", "season", "quarter", "year"],
                        ),
                    ),
                    _connector="OR",
                ),
                name="deadline_window_complete",
                violation_error_message="A due window needs its first day, last day and precision, and must not end before it starts.",
            ),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("earliest__isnull", False),
                    ("kind__in", ["vague", "none"]),
                    _negated=True,
                ),
                name="deadline_undated_has_no_window",
                violation_error_message="Vague or absent deadlines have no due window.",
            ),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("earliest__isnull", True), ("kind", "calendar"), _negated=True
                ),
                name="deadline_calendar_has_window",
                violation_error_message="A calendar deadline needs a due window.",
            ),
        ),
        migrations.AddConstraint(
            model_name="deadline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "none"), _negated=True),
                    ("wording", ""),
                    _connector="OR",
                ),
                name="deadline_none_has_no_wording",
                violation_error_message="A deadline of kind 'none' has no wording.",
            ),
        ),
        migrations.AddIndex(
            model_name="commitmentbody",
            index=models.Index(
                fields=["body", "role"], name="commitment_body_role_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="commitmentbody",
            constraint=models.UniqueConstraint(
                fields=("commitment", "body"), name="commitment_body_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="commitmentbody",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("role__in", ["responsible", "supporting", "addressee"])
                ),
                name="commitment_body_role_valid",
            ),
        ),
        migrations.AddIndex(
            model_name="evidence",
            index=models.Index(
                fields=["commitment", "-event_date"], name="evidence_commitment_date"
            ),
        ),
        migrations.AddConstraint(
            model_name="evidence",
            constraint=models.CheckConstraint(
                condition=models.Q(("direction__in", ["toward", "against", "neutral"])),
                name="evidence_direction_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="evidence",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("event_date_precision__in", ["day", "month", "year"])
                ),
                name="evidence_date_precision_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="evidence",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("summary", ""), _negated=True),
                    models.Q(("source_title", ""), _negated=True),
                ),
                name="evidence_has_summary_and_source",
            ),
        ),
        migrations.AddConstraint(
            model_name="evidence",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("source_url", ""),
                    ("source_url__startswith", "http://"),
                    ("source_url__startswith", "https://"),
                    _connector="OR",
                ),
                name="evidence_url_is_http",
            ),
        ),
        migrations.AddConstraint(
            model_name="evidence",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("retracted_at__isnull", True), ("retraction_reason", "")),
                    models.Q(
                        ("retracted_at__isnull", False),
                        models.Q(("retraction_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="evidence_retraction_has_reason",
                violation_error_message="A retraction needs its reason.",
            ),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                fields=["commitment", "member_state", "-as_of", "-recorded_at"],
                name="assessment_in_force",
            ),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(fields=["-recorded_at"], name="assessment_recorded"),
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
                            "implemented",
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
            constraint=models.CheckConstraint(
                condition=models.Q(("confidence__in", ["low", "medium", "high"])),
                name="assessment_confidence_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(("rationale", ""), _negated=True),
                name="assessment_has_rationale",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("superseded_by__isnull", True),
                    ("status", "superseded"),
                    _connector="OR",
                ),
                name="assessment_superseded_link_only_when_superseded",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(("corrects", models.F("pk")), _negated=True),
                name="assessment_not_own_correction",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.UniqueConstraint(
                fields=("corrects",),
                name="assessment_corrected_once",
                violation_error_message="That assessment has already been corrected; correct the correction instead.",
            ),
        ),
        migrations.AddConstraint(
            model_name="paragraph",
            constraint=models.UniqueConstraint(
                fields=("declaration", "number"), name="paragraph_unique_number"
            ),
        ),
        migrations.AddConstraint(
            model_name="paragraph",
            constraint=models.CheckConstraint(
                condition=models.Q(("number__gte", 1), ("section__gte", 1)),
                name="paragraph_number_positive",
            ),
        ),
        migrations.AddConstraint(
            model_name="paragraph",
            constraint=models.CheckConstraint(
                condition=models.Q(("text", ""), _negated=True),
                name="paragraph_text_not_empty",
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(fields=["current_status"], name="commitment_status_idx"),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                fields=["declaration", "paragraph"], name="commitment_decl_para"
            ),
        ),
        migrations.AddConstraint(
            model_name="commitment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("reference__regex", "^[A-Za-z0-9][A-Za-z0-9._-]*$")
                ),
                name="commitment_reference_format",
                violation_error_message="A reference uses letters, digits, '.', '_' and '-' only.",
            ),
        ),
        migrations.AddConstraint(
            model_name="commitment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("quote", ""), _negated=True),
                    models.Q(("title", ""), _negated=True),
                ),
                name="commitment_has_quote_and_title",
            ),
        ),
        migrations.AddConstraint(
            model_name="commitment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "current_status__in",
                        [
                            "unassessed",
                            "not_started",
                            "in_progress",
                            "stalled",
                            "implemented",
                            "superseded",
                            "abandoned",
                        ],
                    )
                ),
                name="commitment_current_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="commitment",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["decision", "pledge", "call"])),
                name="commitment_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="commitment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("current_status", "unassessed"),
                        ("current_status_since__isnull", True),
                    ),
                    models.Q(
                        models.Q(("current_status", "unassessed"), _negated=True),
                        ("current_status_since__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="commitment_current_status_dated",
            ),
        ),
        migrations.AddConstraint(
            model_name="deadlinerevision",
            constraint=models.CheckConstraint(
                condition=models.Q(("reason", ""), _negated=True),
                name="deadline_revision_has_reason",
            ),
        ),
        migrations.RunPython(create_groups, remove_groups),
        migrations.AddField(
            model_name="commitment",
            name="first_implemented_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.CreateModel(
            name="StatusPeriod",
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
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("not_started", "Not started"),
                            ("in_progress", "In progress"),
                            ("stalled", "Stalled"),
                            ("implemented", "Implemented"),
                            ("superseded", "Superseded"),
                            ("abandoned", "Abandoned"),
                        ],
                        max_length=20,
                    ),
                ),
                ("starts_on", models.DateField()),
                (
                    "ends_on",
                    models.DateField(
                        blank=True,
                        help_text="First day it no longer held; empty if it holds.",
                        null=True,
                    ),
                ),
                (
                    "commitment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="status_periods",
                        to="declarations.commitment",
                    ),
                ),
            ],
            options={
                "ordering": ["commitment", "starts_on"],
                "indexes": [
                    models.Index(
                        fields=["starts_on", "ends_on"], name="status_period_span"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("commitment", "starts_on"),
                        name="status_period_once_a_day",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("ends_on__isnull", True),
                            ("ends_on__gt", models.F("starts_on")),
                            _connector="OR",
                        ),
                        name="status_period_ends_after_start",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "status__in",
                                [
                                    "unassessed",
                                    "not_started",
                                    "in_progress",
                                    "stalled",
                                    "implemented",
                                    "superseded",
                                    "abandoned",
                                ],
                            ),
                            models.Q(("status", "unassessed"), _negated=True),
                        ),
                        name="status_period_status_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="LedgerVersion",
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
                ("token", models.CharField(max_length=32)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("pk", 1)), name="ledger_version_single"
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=declarations.models.indexes.PostgreSQLGinIndex(
                SearchVector("reference", "title", "quote", config="english"),
                name="commitment_search",
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=declarations.models.indexes.PostgreSQLIndex(
                fields=["reference"],
                name="commitment_reference_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                fields=["current_status_since"], name="commitment_since_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="evidence",
            index=models.Index(
                condition=models.Q(("retracted_at__isnull", True)),
                fields=["-event_date", "-logged_at", "-id"],
                name="evidence_standing_latest",
            ),
        ),
    ]
