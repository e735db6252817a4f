"""The beat schedule is wired: a real Celery beat and worker on Redis run the follow-up sweep,
which notifies a call due today (R-VIS-03, R-VIS-07).

Only the sweep's interval is shortened (VISITS_SWEEP_SECONDS, read by visits/schedule.py);
the entry, its task name, the broker and the worker are the real ones. The worker must reach
the test's database, so this runs on PostgreSQL with REDIS_URL set (CI's second run).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from crm.models import Notification
from visits.models import FollowUp

CELERY = str(Path(sys.executable).parent / "celery")


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _start(args, env, log):
    return subprocess.Popen(
        [CELERY, "-A", "crm", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_beat_and_a_real_worker_run_the_sweep(tmp_path, make_customer, owner, make_follow_up):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs a real Redis broker (REDIS_URL)")
    if connection.vendor != "postgresql":
        pytest.skip("the worker must share the test database (PostgreSQL)")
    customer = make_customer(owner=owner, name="王丽华")
    call = make_follow_up(customer, owner, timezone.localdate())
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "SNOWBALL_VAR_DIR": str(tmp_path),
        "VISITS_SWEEP_SECONDS": "2",
        "CELERY_TASK_ALWAYS_EAGER": "",
    }
    log_path = tmp_path / "celery.log"
    with open(log_path, "w") as log:
        worker = _start(
            ["worker", "--pool=solo", "--without-gossip", "--without-mingle", "-l", "INFO"],
            env,
            log,
        )
        beat = _start(["beat", "-s", str(tmp_path / "beat-schedule"), "-l", "INFO"], env, log)
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                call.refresh_from_db()
                if call.notified_on is not None:
                    break
                time.sleep(1)
        finally:
            for process in (beat, worker):
                process.terminate()
            for process in (beat, worker):
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    output = log_path.read_text()
    assert call.notified_on == timezone.localdate(), output[-3000:]
    assert "visits.tasks.sweep_follow_ups" in output
    assert Notification.objects.filter(recipient=owner, title="今日回访：王丽华").count() == 1
    assert FollowUp.objects.get(pk=call.pk).sweep_state == "idle"
