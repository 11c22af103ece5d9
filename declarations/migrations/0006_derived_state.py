"""Derived data moves to tables of its own (each commitment's derived state, the
figure tallies); the ledger's version token goes; deadlines gain the half year."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

COPY_DERIVED_STATE = """
INSERT INTO declarations_commitmentstate (
    commitment_id, declaration_id, declared_on, paragraph_number, reference,
    status, since, first_implemented_on, earliest, latest, last_evidence_on,
    derived_on, settled, tallied
)
SELECT c.id, c.declaration_id, d.date, p.number, c.reference,
    c.current_status, c.current_status_since, c.first_implemented_on,
    w.earliest, w.latest,
    (SELECT MAX(e.event_date) FROM declarations_evidence e
        WHERE e.commitment_id = c.id AND e.retracted_at IS NULL),
    CURRENT_DATE, FALSE, ''
FROM declarations_commitment c
JOIN declarations_declaration d ON d.id = c.declaration_id
JOIN declarations_paragraph p ON p.id = c.paragraph_id
LEFT JOIN declarations_deadline w ON w.commitment_id = c.id
"""
RESTORE_CURRENT_STATUS = """
UPDATE declarations_commitment SET
    current_status = COALESCE((SELECT s.status FROM declarations_commitmentstate s
        WHERE s.commitment_id = declarations_commitment.id), 'unassessed'),
    current_status_since = (SELECT s.since FROM declarations_commitmentstate s
        WHERE s.commitment_id = declarations_commitment.id),
    first_implemented_on = (SELECT s.first_implemented_on
        FROM declarations_commitmentstate s
        WHERE s.commitment_id = declarations_commitment.id)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0001_squashed_0005"),
    ]

    operations = [
        migrations.CreateModel(
            name="CommitmentState",
            fields=[
                (
                    "commitment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="derived",
                        serialize=False,
                        to="declarations.commitment",
                    ),
                ),
                ("declared_on", models.DateField()),
                ("paragraph_number", models.PositiveIntegerField()),
                ("reference", models.CharField(max_length=40)),
                (
                    "status",
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
                        max_length=20,
                    ),
                ),
                (
                    "since",
                    models.DateField(
                        blank=True,
                        help_text="The first day of the current status's run.",
                        null=True,
                    ),
                ),
                (
                    "first_implemented_on",
                    models.DateField(
                        blank=True,
                        help_text="The as-of date of the earliest counting 'implemented' assessment.",
                        null=True,
                    ),
                ),
                ("earliest", models.DateField(blank=True, null=True)),
                ("latest", models.DateField(blank=True, null=True)),
                ("last_evidence_on", models.DateField(blank=True, null=True)),
                ("derived_on", models.DateField()),
                ("settled", models.BooleanField()),
                (
                    "tallied",
                    models.TextField(
                        blank=True,
                        help_text="What the row adds to the figure tallies, if settled.",
                    ),
                ),
            ],
            options={
                "verbose_name": "derived state of a commitment",
                "verbose_name_plural": "derived states of commitments",
            },
        ),
        migrations.CreateModel(
            name="FigureTally",
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
                ("scope", models.CharField(max_length=80)),
                (
                    "status",
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
                        max_length=20,
                    ),
                ),
                ("window", models.CharField(max_length=6)),
                ("timeliness", models.CharField(blank=True, max_length=10)),
                ("count", models.IntegerField()),
            ],
        ),
        migrations.AddField(
            model_name="commitmentstate",
            name="declaration",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="declarations.declaration",
            ),
        ),
        # Carry over what was derived on the commitments, as it is, in plain SQL
        # over the tables as they stand here (no code of the app). The rows start
        # live (counted row by row); ``rebuild_status`` or ``bootstrap`` settles
        # them into the figure tallies.
        migrations.RunSQL(sql=COPY_DERIVED_STATE, reverse_sql=RESTORE_CURRENT_STATUS),
        migrations.DeleteModel(
            name="LedgerVersion",
        ),
        migrations.RemoveConstraint(
            model_name="commitment",
            name="commitment_current_status_valid",
        ),
        migrations.RemoveConstraint(
            model_name="commitment",
            name="commitment_current_status_dated",
        ),
        migrations.RemoveConstraint(
            model_name="deadline",
            name="deadline_window_complete",
        ),
        migrations.RemoveIndex(
            model_name="commitment",
            name="commitment_status_idx",
        ),
        migrations.RemoveIndex(
            model_name="commitment",
            name="commitment_since_idx",
        ),
        migrations.RemoveField(
            model_name="commitment",
            name="current_status",
        ),
        migrations.RemoveField(
            model_name="commitment",
            name="current_status_since",
        ),
        migrations.RemoveField(
            model_name="commitment",
            name="first_implemented_on",
        ),
        migrations.AlterField(
            model_name="deadline",
            name="precision",
            field=models.CharField(
                blank=True,
                choices=[
                    ("day", "Day"),
                    ("month", "Month"),
                    ("season", "Season"),
                    ("quarter", "Quarter"),
                    ("half", "Half year"),
                    ("year", "Year"),
                ],
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="deadlinerevision",
            name="new_precision",
            field=models.CharField(
                blank=True,
                choices=[
                    ("day", "Day"),
                    ("month", "Month"),
                    ("season", "Season"),
                    ("quarter", "Quarter"),
                    ("half", "Half year"),
                    ("year", "Year"),
                ],
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="deadlinerevision",
            name="old_precision",
            field=models.CharField(
                blank=True,
                choices=[
                    ("day", "Day"),
                    ("month", "Month"),
                    ("season", "Season"),
                    ("quarter", "Quarter"),
                    ("half", "Half year"),
                    ("year", "Year"),
                ],
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeadline",
            name="precision",
            field=models.CharField(
                blank=True,
                choices=[
                    ("day", "Day"),
                    ("month", "Month"),
                    ("season", "Season"),
                    ("quarter", "Quarter"),
                    ("half", "Half year"),
                    ("year", "Year"),
                ],
                max_length=10,
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
                            ["day", "month", "season", "quarter", "half", "year"],
                        ),
                    ),
                    _connector="OR",
                ),
                name="deadline_window_complete",
                violation_error_message="A due window needs its first day, last day and precision, and must not end before it starts.",
            ),
        ),
        migrations.AddIndex(
            model_name="figuretally",
            index=models.Index(fields=["scope"], name="figure_tally_scope"),
        ),
        migrations.AddIndex(
            model_name="commitmentstate",
            index=models.Index(
                fields=["declared_on", "declaration", "paragraph_number", "reference"],
                include=["commitment"],
                name="commitment_state_order",
            ),
        ),
        migrations.AddIndex(
            model_name="commitmentstate",
            index=models.Index(fields=["status"], name="commitment_state_status"),
        ),
        migrations.AddIndex(
            model_name="commitmentstate",
            index=models.Index(
                fields=["earliest", "latest", "reference"],
                include=["commitment"],
                name="commitment_state_window",
            ),
        ),
        migrations.AddIndex(
            model_name="commitmentstate",
            index=models.Index(fields=["latest"], name="commitment_state_latest"),
        ),
        migrations.AddIndex(
            model_name="commitmentstate",
            index=models.Index(
                condition=models.Q(("settled", False)),
                fields=["commitment"],
                name="commitment_state_live",
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
                            "implemented",
                            "superseded",
                            "abandoned",
                        ],
                    )
                ),
                name="commitment_state_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="commitmentstate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("since__isnull", True), ("status", "unassessed")),
                    models.Q(
                        models.Q(("status", "unassessed"), _negated=True),
                        ("since__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="commitment_state_status_dated",
            ),
        ),
        # Lookups by body use the (body, role) index; the body-only one misled
        # the planner into filtering thousands of rows by role.
        migrations.AlterField(
            model_name="commitmentbody",
            name="body",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="commitment_links",
                to="declarations.body",
            ),
        ),
        # The changes log reads each kind of change newest first, by position.
        migrations.AddIndex(
            model_name="evidence",
            index=models.Index(
                condition=models.Q(("retracted_at__isnull", False)),
                fields=["-retracted_at", "-id"],
                name="evidence_retracted",
            ),
        ),
        migrations.AddIndex(
            model_name="deadlinerevision",
            index=models.Index(fields=["-revised_at", "-id"], name="revision_when"),
        ),
        migrations.RemoveIndex(model_name="assessment", name="assessment_recorded"),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(fields=["-recorded_at", "-id"], name="assessment_recorded"),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="logged_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddIndex(
            model_name="evidence",
            index=models.Index(fields=["-logged_at", "-id"], name="evidence_logged"),
        ),
    ]
