"""Issue 16: every free-text field refuses control characters (a validator: no
change to the tables), and editors may correct any analyst's assessment (a
permission of their group; services.records.CORRECTION_POLICY).

The permission is granted without importing app code: the codename is spelled here.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import declarations.text
import django.core.validators

CORRECT_ANY = "correct_any_assessment"


def grant_to_editors(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs it now.
    app_config = apps.get_app_config("declarations")
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="declarations", codename=CORRECT_ANY
    )
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(permission)


def revoke_from_editors(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="declarations", codename=CORRECT_ANY
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0007_proposals"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="assessment",
            options={
                "ordering": ["-as_of", "-recorded_at", "-pk"],
                "permissions": [
                    ("correct_any_assessment", "Can correct any analyst's assessment")
                ],
            },
        ),
        migrations.AlterField(
            model_name="assessment",
            name="rationale",
            field=models.TextField(
                max_length=4000,
                validators=[
                    declarations.text.ControlCharacterValidator(),
                    django.core.validators.MaxLengthValidator(4000),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="body",
            name="description",
            field=models.TextField(
                blank=True, validators=[declarations.text.ControlCharacterValidator()]
            ),
        ),
        migrations.AlterField(
            model_name="body",
            name="name",
            field=models.CharField(
                help_text="Full name.",
                max_length=200,
                unique=True,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="body",
            name="short_name",
            field=models.CharField(
                blank=True,
                help_text="Abbreviation, e.g. RATS.",
                max_length=60,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="commitment",
            name="notes",
            field=models.TextField(
                blank=True,
                help_text="How the commitment was coded.",
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="commitment",
            name="quote",
            field=models.TextField(
                help_text="Verbatim, exactly as in the paragraph.",
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="commitment",
            name="theme",
            field=models.CharField(
                db_index=True,
                max_length=100,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="commitment",
            name="title",
            field=models.CharField(
                max_length=300,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="deadline",
            name="event",
            field=models.CharField(
                blank=True,
                help_text="For event deadlines: the event, e.g. 'the 2006 SCO Summit'.",
                max_length=300,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="deadline",
            name="note",
            field=models.TextField(
                blank=True,
                help_text="How the wording was read, e.g. 'the 2006 Summit was held in Shanghai on 15 June 2006'.",
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="deadline",
            name="wording",
            field=models.CharField(
                blank=True,
                help_text="Verbatim from the text, e.g. 'by the next 2006 Summit'. Empty when the text sets no deadline.",
                max_length=300,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="deadlinerevision",
            name="new_wording",
            field=models.CharField(
                blank=True,
                max_length=300,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="deadlinerevision",
            name="old_wording",
            field=models.CharField(
                blank=True,
                max_length=300,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="deadlinerevision",
            name="reason",
            field=models.TextField(
                validators=[declarations.text.ControlCharacterValidator()]
            ),
        ),
        migrations.AlterField(
            model_name="declaration",
            name="banner",
            field=models.TextField(
                blank=True,
                help_text="The database banner, verbatim.",
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="declaration",
            name="full_text",
            field=models.TextField(
                help_text="The text after [Full text], verbatim.",
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="declaration",
            name="header_fields",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Every bracketed header field of the source file, verbatim.",
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="declaration",
            name="place",
            field=models.CharField(
                blank=True,
                max_length=200,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="declaration",
            name="source",
            field=models.CharField(
                blank=True,
                max_length=500,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="declaration",
            name="source_file",
            field=models.CharField(
                blank=True,
                max_length=255,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="declaration",
            name="title",
            field=models.CharField(
                max_length=500,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="excerpt",
            field=models.TextField(
                blank=True,
                max_length=4000,
                validators=[
                    declarations.text.ControlCharacterValidator(),
                    django.core.validators.MaxLengthValidator(4000),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="retraction_reason",
            field=models.TextField(
                blank=True,
                max_length=2000,
                validators=[
                    declarations.text.ControlCharacterValidator(),
                    django.core.validators.MaxLengthValidator(2000),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="source_publisher",
            field=models.CharField(
                blank=True,
                max_length=300,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="source_title",
            field=models.CharField(
                max_length=500,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="source_url",
            field=models.URLField(
                blank=True,
                max_length=1000,
                validators=[
                    declarations.text.ControlCharacterValidator(),
                    django.core.validators.URLValidator(schemes=["http", "https"]),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="summary",
            field=models.TextField(
                max_length=4000,
                validators=[
                    declarations.text.ControlCharacterValidator(),
                    django.core.validators.MaxLengthValidator(4000),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="historicalbody",
            name="description",
            field=models.TextField(
                blank=True, validators=[declarations.text.ControlCharacterValidator()]
            ),
        ),
        migrations.AlterField(
            model_name="historicalbody",
            name="name",
            field=models.CharField(
                db_index=True,
                help_text="Full name.",
                max_length=200,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicalbody",
            name="short_name",
            field=models.CharField(
                blank=True,
                help_text="Abbreviation, e.g. RATS.",
                max_length=60,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicalcommitment",
            name="notes",
            field=models.TextField(
                blank=True,
                help_text="How the commitment was coded.",
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicalcommitment",
            name="quote",
            field=models.TextField(
                help_text="Verbatim, exactly as in the paragraph.",
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicalcommitment",
            name="theme",
            field=models.CharField(
                db_index=True,
                max_length=100,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicalcommitment",
            name="title",
            field=models.CharField(
                max_length=300,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeadline",
            name="event",
            field=models.CharField(
                blank=True,
                help_text="For event deadlines: the event, e.g. 'the 2006 SCO Summit'.",
                max_length=300,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeadline",
            name="note",
            field=models.TextField(
                blank=True,
                help_text="How the wording was read, e.g. 'the 2006 Summit was held in Shanghai on 15 June 2006'.",
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeadline",
            name="wording",
            field=models.CharField(
                blank=True,
                help_text="Verbatim from the text, e.g. 'by the next 2006 Summit'. Empty when the text sets no deadline.",
                max_length=300,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeclaration",
            name="banner",
            field=models.TextField(
                blank=True,
                help_text="The database banner, verbatim.",
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeclaration",
            name="full_text",
            field=models.TextField(
                help_text="The text after [Full text], verbatim.",
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeclaration",
            name="header_fields",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Every bracketed header field of the source file, verbatim.",
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeclaration",
            name="place",
            field=models.CharField(
                blank=True,
                max_length=200,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeclaration",
            name="source",
            field=models.CharField(
                blank=True,
                max_length=500,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeclaration",
            name="source_file",
            field=models.CharField(
                blank=True,
                max_length=255,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeclaration",
            name="title",
            field=models.CharField(
                max_length=500,
                validators=[declarations.text.ControlCharacterValidator()],
            ),
        ),
        migrations.AlterField(
            model_name="paragraph",
            name="text",
            field=models.TextField(
                validators=[declarations.text.ControlCharacterValidator()]
            ),
        ),
        migrations.RunPython(grant_to_editors, revoke_from_editors),
    ]
