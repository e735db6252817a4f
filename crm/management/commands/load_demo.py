"""Load the demo data of every app, in dependency order. Running it twice changes nothing."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from crm.demo import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Load realistic Chinese demo data (idempotent)."

    def handle(self, *args, **options):
        local_apps = [
            config
            for config in apps.get_app_configs()
            if str(settings.BASE_DIR) in str(config.path)
        ]
        modules = [
            import_module(f"{config.name}.demo")
            for config in local_apps
            if find_spec(f"{config.name}.demo") is not None
        ]
        for module in modules:
            with transaction.atomic():
                created = module.load()
            self.stdout.write(f"  {module.__name__.split('.')[0]:<11} {created or 0} new rows")
        # A second pass for loaders that settle what later apps' demos started (a complaint
        # closed by the complaints demo starts a return visit that the visits demo completes).
        for module in modules:
            if hasattr(module, "finish"):
                with transaction.atomic():
                    module.finish()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all):"))
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        for username, name, role in demo_logins():
            self.stdout.write(f"  {username:<14} {name:<6} {role}")
