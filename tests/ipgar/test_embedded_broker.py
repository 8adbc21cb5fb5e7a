"""`make run` without REDIS_URL: a worker with beat on the embedded (filesystem) broker (docs/decisions.md D13)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.db import database_url as server_database_url

ROOT = Path(__file__).resolve().parent.parent.parent


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_demo(address: str, *, settings_module: str, broker: Path) -> subprocess.Popen:
    """`make run`'s runner without REDIS_URL, on the test database, its broker in `broker`."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DJANGO_DEBUG="true",
        DATABASE_URL=server_database_url(),
        IPGAR_BROKER_DIR=str(broker),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "ipgar.run_demo", address],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_without_redis_tests_stay_eager():
    assert settings.CELERY_TASK_ALWAYS_EAGER is True


@pytest.mark.django_db(transaction=True)
def test_make_run_starts_worker_and_beat_on_embedded_broker_and_stops_with_runserver(tmp_path):
    address = f"127.0.0.1:{_free_port()}"
    started = time.monotonic()
    runner = _start_demo(address, settings_module="tests.ipgar.beat_settings", broker=tmp_path / "broker")
    log = tmp_path / "broker" / "worker.log"
    try:
        ready = beat = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and beat is None:
            text = log.read_text() if log.exists() else ""
            if ready is None and "ready." in text:
                ready = time.monotonic() - started
            if "succeeded" in text and "'pong:beat'" in text:
                beat = time.monotonic() - started
            time.sleep(0.2)
        text = log.read_text() if log.exists() else ""
        assert beat is not None, text
        # The nightly work the demo missed ran once at start, on the same broker.
        assert "cases.tasks.apply_retention" in text and "retention: 0 cases anonymised" in text
        print(f"worker ready after {ready:.1f}s, first scheduled task after {beat:.1f}s")
        # The runserver keeps its command line (CI stops it with pkill -f "runserver --noreload …").
        cmdline = (Path("/proc") / str(runner.pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        assert f"runserver --noreload {address}" in cmdline
        workers = _children(runner.pid)
        assert len(workers) == 1
    finally:
        runner.send_signal(signal.SIGTERM)
        runner.wait(timeout=20)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _alive(workers[0]):
        time.sleep(0.2)
    assert not _alive(workers[0]), "the worker outlived the runserver"


@pytest.mark.django_db(transaction=True)
def test_a_busy_worker_stops_with_runserver_without_finishing_its_task(tmp_path):
    # A warm shutdown would wait for the running task; once left running for 13 minutes.
    runner = _start_demo(
        f"127.0.0.1:{_free_port()}", settings_module="tests.ipgar.busy_beat_settings", broker=tmp_path / "broker"
    )
    log = tmp_path / "broker" / "worker.log"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "Task tests.busy[" not in (log.read_text() if log.exists() else ""):
            time.sleep(0.2)
        assert "Task tests.busy[" in log.read_text(), log.read_text()
        workers = _children(runner.pid)
        assert len(workers) == 1
    finally:
        runner.send_signal(signal.SIGTERM)
        runner.wait(timeout=20)
    # The worker and the beat process it forked (the beat child has no parent-death signal).
    broker = f"IPGAR_BROKER_DIR={tmp_path / 'broker'}".encode()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _with_environment(broker):
        time.sleep(0.2)
    left = _with_environment(broker)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "the busy worker or its beat outlived the runserver"


def _with_environment(entry: bytes) -> list[int]:
    """The live processes whose environment holds `entry`."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and int(proc.name) != os.getpid():
            try:
                environment = (proc / "environ").read_bytes().split(b"\0")
            except OSError:
                continue
            if entry in environment and _alive(int(proc.name)):
                found.append(int(proc.name))
    return found
