"""Seed the reading schedules of §7 and the default billing policy.

Public-welfare and commercial users are read on the 20th–25th every month (§7 4); residential
users monthly on the 10th–15th until an administrator configures otherwise.
"""

from django.db import migrations

SCHEDULES = [
    ("residential", 10, 15, 1, 1),
    ("public_welfare", 20, 25, 1, 1),
    ("commercial", 20, 25, 1, 1),
]


def seed(apps, schema_editor):
    ReadingSchedule = apps.get_model("billing", "ReadingSchedule")
    BillingPolicy = apps.get_model("billing", "BillingPolicy")
    for user_type, first, last, every, start in SCHEDULES:
        ReadingSchedule.objects.get_or_create(
            user_type=user_type,
            defaults={
                "first_day": first,
                "last_day": last,
                "every_months": every,
                "start_month": start,
            },
        )
    if not BillingPolicy.objects.exists():
        BillingPolicy.objects.create()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
