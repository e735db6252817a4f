"""Seeds the SLA limits of §8 (R-REP-06): administrators change the numbers in the admin."""

import datetime as dt

from django.db import migrations

# kind, minutes, warn before (minutes), time of day
LIMITS = [
    ("write", 2, 0, None),  # the order is written within 2 minutes of the call
    ("notify", 5, 2, None),  # engineering is told within 5 minutes
    ("quote", 15, 5, None),  # an unlisted job is assessed and priced within 15 minutes
    ("onsite_urgent", 10, 3, None),  # a listed urgent job has a technician on site in 10
    ("onsite_appointment", 5, 15, None),  # on site 5 minutes before the appointment
    ("public_notify", 10, 3, None),  # public areas: engineering told within 10 minutes
    ("public_onsite", 15, 5, None),  # public areas: on site within 15 minutes
    ("return", 0, 60, dt.time(17, 0)),  # copies two and three back by 17:00
]


def seed(apps, schema_editor):
    ClockLimit = apps.get_model("repairs", "ClockLimit")
    for kind, minutes, warn, due_time in LIMITS:
        ClockLimit.objects.get_or_create(
            kind=kind, defaults={"minutes": minutes, "warn_before": warn, "due_time": due_time}
        )


class Migration(migrations.Migration):
    dependencies = [("repairs", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
