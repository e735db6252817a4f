"""Seeds the reply deadlines per severity: general 3 working days (warned 4 hours before),
major 1 working day (warned 2 hours before). Administrators change them in the admin."""

from django.db import migrations

DEFAULTS = {"general": (3, 4), "major": (1, 2)}


def seed(apps, schema_editor):
    ReplyDeadline = apps.get_model("complaints", "ReplyDeadline")
    for severity, (workdays, warn_hours) in DEFAULTS.items():
        ReplyDeadline.objects.get_or_create(
            severity=severity, defaults={"workdays": workdays, "warn_hours": warn_hours}
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
