"""makemessages with one catalog per app.

Templates live in the project's templates/<app>/ folder, away from their app, so Django's
makemessages would put their strings in a project-wide catalog. Here each template goes to
its app's own locale/ folder (shared templates to crm's), so every app carries its complete
translation and two people translating different apps never edit the same file.

    python manage.py makemessages -l zh_Hans              # every app
    python manage.py makemessages -l zh_Hans --app visits # one app's catalog only
"""

import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.commands import makemessages

IGNORED = ["var", "var/*", "tests", "tests/*", "bench", "bench/*", "node_modules", "static"]


class Command(makemessages.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--app",
            action="append",
            default=[],
            help="Only update the catalog of this app (may repeat).",
        )

    def handle(self, *args, **options):
        self.only_apps = set(options.pop("app", []) or [])
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        for config in self._local_apps():
            (Path(config.path) / "locale").mkdir(exist_ok=True)
        return super().handle(*args, **options)

    def _local_apps(self):
        base = str(settings.BASE_DIR)
        return [c for c in apps.get_app_configs() if str(c.path).startswith(base)]

    def find_files(self, root):
        files = super().find_files(root)
        base = Path(settings.BASE_DIR)
        labels = {config.label: Path(config.path) for config in self._local_apps()}
        for translatable in files:
            relative = Path(os.path.abspath(translatable.dirpath)).relative_to(base)
            parts = relative.parts
            if parts and parts[0] in labels:
                continue  # inside an app: Django already chose the app's locale folder
            if len(parts) > 1 and parts[0] == "templates" and parts[1] in labels:
                app_path = labels[parts[1]]
            else:
                app_path = labels["crm"]  # base.html, includes/, registration/, errors
            translatable.locale_dir = str(app_path / "locale")
        if self.only_apps:
            wanted = {str(labels[label] / "locale") for label in self.only_apps}
            files = [f for f in files if f.locale_dir in wanted]
        return files
