"""`manage.py serve` keeps the site up when the background worker dies (killed, out of memory): the worker is
restarted and the web server goes on; when the web server stops, the worker is stopped too."""

import sys
import threading
import time

import pytest

from pilote.core.management.commands.serve import Command


SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
DIES_AT_ONCE = [sys.executable, "-c", "raise SystemExit(9)"]


class FakeServe(Command):
    """The real supervision loop, with cheap processes in place of gunicorn and db_worker."""

    poll_seconds = 0.05
    first_restart_delay = 0.05
    max_restart_delay = 0.2

    def __init__(self, web, worker):
        super().__init__()
        self.web_argv, self.worker_argv = web, worker

    def web_command(self, bind, workers):
        return self.web_argv

    def worker_command(self):
        return self.worker_argv


def run_in_thread(command):
    outcome = {}

    def target():
        try:
            command.handle(bind="127.0.0.1:0", workers=1)
        except SystemExit as exit_:
            outcome["exit"] = exit_.code

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def wait_until(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_worker_is_restarted_and_the_web_keeps_serving():
    command = FakeServe(web=SLEEPER, worker=SLEEPER)
    thread, outcome = run_in_thread(command)
    assert wait_until(lambda: getattr(command, "worker", None) is not None)
    first = command.worker
    first.kill()  # kill -9 of the db_worker
    assert wait_until(lambda: command.worker is not first and command.worker.poll() is None)
    assert command.worker_starts == 2
    command.stop()
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert outcome == {}  # a requested stop is a clean exit


def test_a_worker_that_keeps_dying_is_retried_with_a_pause_while_the_web_lives():
    command = FakeServe(web=SLEEPER, worker=DIES_AT_ONCE)
    thread, _outcome = run_in_thread(command)
    assert wait_until(lambda: getattr(command, "worker_starts", 0) >= 4)
    command.stop()
    thread.join(timeout=20)
    assert not thread.is_alive()


@pytest.mark.parametrize("web_code", [3])
def test_when_the_web_server_stops_everything_stops_with_an_error(web_code):
    command = FakeServe(web=[sys.executable, "-c", f"raise SystemExit({web_code})"], worker=SLEEPER)
    thread, outcome = run_in_thread(command)
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert outcome == {"exit": 1}
    assert command.worker.poll() is not None  # the worker was stopped with it
