"""Issue 12: events that deadlines wait for are records of their own.

Each distinct event text of the event deadlines becomes an Event, and those
deadlines wait for it; the text stays on each deadline, so nothing is lost. The
event's expected window is the one its deadlines' wording allowed before any
revision, where they all agree; its date is left for an editor to record
(``event_held`` narrows the deadlines then). Editors curate events; analysts
may view them (codenames spelled here: no app code is imported).
"""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import declarations.text
import django.core.validators
import django.db.models.deletion
import simple_history.models

EDITOR_PERMISSIONS = [
    "add_event",
    "change_event",
    "delete_event",
    "view_event",
    "view_historicalevent",
]
ANALYST_PERMISSIONS = ["view_event"]
WINDOW = ("earliest", "latest", "precision")


def _wording_window(deadline, revisions):
    """The window the deadline's wording allowed before any revision, or None."""
    first = next(iter(revisions), None)
    if first is None:
        window = tuple(getattr(deadline, f) for f in WINDOW)
    else:
        window = tuple(getattr(first, f"old_{f}") for f in WINDOW)
    earliest, latest, precision = window
    if earliest is None or latest is None or not precision or earliest > latest:
        return None
    return window


def link_event_deadlines(apps, schema_editor):
    Deadline = apps.get_model("declarations", "Deadline")
    DeadlineRevision = apps.get_model("declarations", "DeadlineRevision")
    Event = apps.get_model("declarations", "Event")
    deadlines = (
        Deadline.objects.filter(kind="event", waits_for__isnull=True)
        .exclude(event="")
        .select_related("commitment")
        .order_by("commitment__reference")
    )
    by_text = {}
    for deadline in deadlines:
        text = deadline.event.strip()
        if text:
            by_text.setdefault(text, []).append(deadline)
    for text, group in by_text.items():
        windows = set()
        for deadline in group:
            revisions = DeadlineRevision.objects.filter(deadline=deadline).order_by(
                "revised_at", "pk"
            )
            windows.add(_wording_window(deadline, revisions))
        references = ", ".join(d.commitment.reference for d in group)
        notes = (
            "Created from the event text of the deadline(s) of "
            f"{references} when events became records."
        )
        window = windows.pop() if len(windows) == 1 else None
        if window is None:
            notes += (
                " Their wordings allow no single window, so none is set: set the "
                "expected window here."
            )
        else:
            notes += " Expected window: what their wording allowed."
        event, _ = Event.objects.get_or_create(
            name=text[:300],
            defaults={
                "expected_earliest": window[0] if window else None,
                "expected_latest": window[1] if window else None,
                "expected_precision": window[2] if window else "",
                "notes": notes,
            },
        )
        Deadline.objects.filter(pk__in=[d.pk for d in group]).update(waits_for=event)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("declarations")
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (
        ("Editors", EDITOR_PERMISSIONS),
        ("Analysts", ANALYST_PERMISSIONS),
    ):
        permissions = Permission.objects.filter(
            content_type__app_label="declarations", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions not found: {sorted(missing)}")
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="declarations", codename__in=EDITOR_PERMISSIONS
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('declarations', '0014_links'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalEvent',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, help_text="e.g. 'The next SCO summit (Council of Heads of State), 2006'. Unique: say whose meeting and when, so that two organisations' 'next summit' are told apart.", max_length=300, validators=[declarations.text.ControlCharacterValidator()])),
                ('expected_earliest', models.DateField(blank=True, help_text='First day it may be held on.', null=True)),
                ('expected_latest', models.DateField(blank=True, help_text='Last day it may be held on.', null=True)),
                ('expected_precision', models.CharField(blank=True, choices=[('day', 'Day'), ('month', 'Month'), ('season', 'Season'), ('quarter', 'Quarter'), ('half', 'Half year'), ('year', 'Year')], max_length=10)),
                ('held_on', models.DateField(blank=True, help_text='When it was held, once known (any day of the period when only a month or a year is known: see its precision).', null=True)),
                ('held_precision', models.CharField(blank=True, choices=[('day', 'Day'), ('month', 'Month'), ('season', 'Season'), ('quarter', 'Quarter'), ('half', 'Half year'), ('year', 'Year')], max_length=10)),
                ('place', models.CharField(blank=True, max_length=200, validators=[declarations.text.ControlCharacterValidator()])),
                ('notes', models.TextField(blank=True, validators=[declarations.text.ControlCharacterValidator()])),
                ('source_url', models.URLField(blank=True, help_text='Where its date and place are documented (http or https).', max_length=1000, validators=[declarations.text.ControlCharacterValidator(), django.core.validators.URLValidator(schemes=['http', 'https'])])),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical event',
                'verbose_name_plural': 'historical events',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Event',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text="e.g. 'The next SCO summit (Council of Heads of State), 2006'. Unique: say whose meeting and when, so that two organisations' 'next summit' are told apart.", max_length=300, unique=True, validators=[declarations.text.ControlCharacterValidator()])),
                ('expected_earliest', models.DateField(blank=True, help_text='First day it may be held on.', null=True)),
                ('expected_latest', models.DateField(blank=True, help_text='Last day it may be held on.', null=True)),
                ('expected_precision', models.CharField(blank=True, choices=[('day', 'Day'), ('month', 'Month'), ('season', 'Season'), ('quarter', 'Quarter'), ('half', 'Half year'), ('year', 'Year')], max_length=10)),
                ('held_on', models.DateField(blank=True, help_text='When it was held, once known (any day of the period when only a month or a year is known: see its precision).', null=True)),
                ('held_precision', models.CharField(blank=True, choices=[('day', 'Day'), ('month', 'Month'), ('season', 'Season'), ('quarter', 'Quarter'), ('half', 'Half year'), ('year', 'Year')], max_length=10)),
                ('place', models.CharField(blank=True, max_length=200, validators=[declarations.text.ControlCharacterValidator()])),
                ('notes', models.TextField(blank=True, validators=[declarations.text.ControlCharacterValidator()])),
                ('source_url', models.URLField(blank=True, help_text='Where its date and place are documented (http or https).', max_length=1000, validators=[declarations.text.ControlCharacterValidator(), django.core.validators.URLValidator(schemes=['http', 'https'])])),
                ('body', models.ForeignKey(blank=True, help_text='The organ that meets, where there is one (the Council of Heads of State).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='declarations.body')),
            ],
            options={
                'ordering': ['expected_latest', 'name'],
            },
        ),
        migrations.AddField(
            model_name='deadline',
            name='waits_for',
            field=models.ForeignKey(blank=True, help_text="For event deadlines: the event's record. Recording when it was held narrows every deadline that waits for it.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='deadlines', to='declarations.event'),
        ),
        migrations.AddField(
            model_name='historicaldeadline',
            name='waits_for',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text="For event deadlines: the event's record. Recording when it was held narrows every deadline that waits for it.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='declarations.event'),
        ),
        migrations.AddConstraint(
            model_name='deadline',
            constraint=models.CheckConstraint(condition=models.Q(('waits_for__isnull', True), ('kind', 'event'), _connector='OR'), name='deadline_waits_only_for_an_event', violation_error_message='Only an event deadline waits for an event.'),
        ),
        migrations.AddField(
            model_name='historicalevent',
            name='body',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The organ that meets, where there is one (the Council of Heads of State).', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='declarations.body'),
        ),
        migrations.AddField(
            model_name='historicalevent',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(condition=models.Q(('held_on__isnull', True)), fields=['expected_latest'], name='event_awaited_idx'),
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('expected_earliest__isnull', True), ('expected_latest__isnull', True), ('expected_precision', '')), models.Q(('expected_earliest__isnull', False), ('expected_earliest__lte', models.F('expected_latest')), ('expected_latest__isnull', False), ('expected_precision__in', ['day', 'month', 'season', 'quarter', 'half', 'year'])), _connector='OR'), name='event_expected_window_complete', violation_error_message='An expected window needs its first day, last day and precision, and must not end before it starts.'),
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('held_on__isnull', True), ('held_precision', '')), models.Q(('held_on__isnull', False), ('held_precision__in', ['day', 'month', 'season', 'quarter', 'half', 'year'])), _connector='OR'), name='event_held_on_has_precision', violation_error_message='The date it was held needs a precision.'),
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.CheckConstraint(condition=models.Q(('source_url', ''), ('source_url__startswith', 'http://'), ('source_url__startswith', 'https://'), _connector='OR'), name='event_url_is_http'),
        ),
        migrations.RunPython(link_event_deadlines, migrations.RunPython.noop),
        migrations.RunPython(grant, revoke),
    ]
