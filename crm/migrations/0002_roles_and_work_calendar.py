"""Creates the role groups and seeds the work calendar from chinese-calendar (to 2026).

Role permissions are attached after migrate by crm.roles.sync_role_permissions, because
Django creates model permissions only then.
"""

from django.db import migrations

ROLES = [
    "sales_consultant",
    "sales_manager",
    "general_manager",
    "archive_keeper",
    "front_desk",
    "engineering_supervisor",
    "technician",
    "customer_service",
    "meter_reader",
    "cashier",
    "finance",
]

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def seed_calendar(apps, schema_editor):
    import chinese_calendar

    CalendarDay = apps.get_model("crm", "CalendarDay")
    CalendarYear = apps.get_model("crm", "CalendarYear")
    years = set()
    rows = []
    for day, name in chinese_calendar.holidays.items():
        years.add(day.year)
        rows.append(CalendarDay(date=day, is_workday=False, name=HOLIDAY_NAMES.get(name, name)))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() < 5:
            continue  # an ordinary weekday needs no row
        rows.append(
            CalendarDay(date=day, is_workday=True, name=f"{HOLIDAY_NAMES.get(name, name)}调休")
        )
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=year, source="package") for year in sorted(years)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(seed_calendar, migrations.RunPython.noop),
    ]
