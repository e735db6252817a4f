"""Playwright in Debian's Chromium, against the live test server.

Never `playwright install`: the browser comes from apt (/usr/bin/chromium). Playwright's sync
API runs an event loop in this thread, so Django's async-safety check is relaxed here only.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from pytest_django.live_server_helper import LiveServer

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}


class _OneRequestAtATime(StaticFilesHandler):
    """The live server's handler, one request at a time.

    On SQLite the test database lives in memory, and every thread of the live server shares
    the test's one connection to it. Two requests at once (a desk look-up still running when
    the form is posted) then interleave their transactions and savepoints on that connection:
    "no such savepoint", a session "deleted" under the next request. The server still accepts
    connections in parallel; only the application is serialised.
    """

    lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            return super().__call__(environ, start_response)


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, serialised when it shares an in-memory SQLite connection
    (PostgreSQL keeps a connection per thread and runs requests in parallel)."""
    addr = request.config.getvalue("liveserver") or os.getenv(
        "DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"
    )
    server = LiveServer(addr, start=False)
    if server.thread.connections_override:
        server.thread.static_handler = _OneRequestAtATime
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": DESKTOP,
    }


@pytest.fixture
def shoot():
    """Save a screenshot under var/screenshots/ (git-ignored) for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = True):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    return take


@pytest.fixture
def login(live_server):
    def do_login(page, username: str, password: str = "Snowball-2026"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/dashboard/")

    return do_login
