"""Every string on screen has its Chinese translation."""

import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
APPS = ["crm", "archives", "visits", "complaints", "repairs", "billing"]


def catalog(root: Path, app: str) -> polib.POFile:
    return polib.pofile(str(root / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))


def test_every_catalog_is_fully_translated():
    for app in APPS:
        po = catalog(ROOT, app)
        untranslated = [e.msgid for e in po.untranslated_entries()]
        fuzzy = [e.msgid for e in po.fuzzy_entries()]
        assert not untranslated, f"{app}: untranslated {untranslated[:10]}"
        assert not fuzzy, f"{app}: fuzzy {fuzzy[:10]}"


def test_no_msgid_is_translated_differently_by_two_apps():
    """Django merges every app's catalog into one per language, the first app in INSTALLED_APPS
    winning: a msgid two apps translate differently shows one app's Chinese on the other's
    screens. Where the meaning differs, the string carries a context (pgettext)."""
    translations = defaultdict(dict)
    for app in APPS:
        for entry in catalog(ROOT, app):
            if entry.obsolete or not entry.translated():
                continue
            if entry.msgid_plural:
                text = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
            else:
                text = entry.msgstr
            translations[(entry.msgctxt, entry.msgid)][app] = text
    collisions = [
        f"{msgid!r} (context {context!r}): {by_app}"
        for (context, msgid), by_app in translations.items()
        if len(set(by_app.values())) > 1
    ]
    assert not collisions, "translated differently by two apps:\n" + "\n".join(collisions)


def test_no_string_on_screen_is_missing_from_the_catalogs(tmp_path):
    """Extract messages from a copy of the code: nothing new may appear."""
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(".venv", "var", ".git", "__pycache__", "*.mo", "node_modules")
    shutil.copytree(ROOT, copy, ignore=ignore)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        capture_output=True,
        text=True,
        env={"DJANGO_DEBUG": "1", "PATH": "/usr/bin:/bin", "SNOWBALL_VAR_DIR": str(tmp_path)},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for app in APPS:
        before = {e.msgid for e in catalog(ROOT, app) if not e.obsolete}
        after = {e.msgid for e in catalog(copy, app) if not e.obsolete}
        assert after <= before, f"{app}: run `make messages` and translate {sorted(after - before)}"
