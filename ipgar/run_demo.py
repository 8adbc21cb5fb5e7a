"""`make run`: the development server, plus a Celery worker with beat when REDIS_URL is unset.

Without REDIS_URL the broker is kombu's filesystem transport in a folder under var/: no
server to start, no extra dependency, and the worker is ready in about two seconds. The
worker (with an embedded beat) is a child of this process, which then *becomes* the
runserver (exec), so the runserver keeps its command line; the kernel sends the worker
SIGQUIT when the runserver ends (PR_SET_PDEATHSIG), however it ends, so no worker outlives
the demo. SIGQUIT is Celery's cold shutdown: a warm one (SIGTERM) waits for the running task,
which kept a worker alive for 13 minutes on a task stuck on the stopped embedded database. Our
tasks are idempotent, and the demo runs the nightly ones again when it starts. The worker's
log is in <broker dir>/worker.log.

    python -m ipgar.run_demo 127.0.0.1:8000
"""

import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """In the child before exec: receive SIGQUIT (cold shutdown) when the parent ends (Linux)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGQUIT)
    except OSError:  # not Linux: Ctrl-C still reaches the whole process group
        return
    if os.getppid() != parent:  # the parent ended before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


def start_worker(broker_dir: Path, env: dict) -> subprocess.Popen:
    """Start `celery worker -B` on the filesystem broker in broker_dir; returns the process."""
    for sub in ("queue", "control", "processed"):
        (broker_dir / sub).mkdir(parents=True, exist_ok=True)
    parent = os.getpid()
    log = open(broker_dir / "worker.log", "a")  # noqa: SIM115 handed to the child
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ipgar",
            "worker",
            "--beat",
            "--pool",
            "solo",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        preexec_fn=lambda: _die_with_parent(parent),  # fork-safe: ctypes + getppid only
    )


def main(argv: list[str]) -> None:
    address = argv[0] if argv else "127.0.0.1:8000"
    env = dict(os.environ)
    if not env.get("REDIS_URL"):
        broker_dir = Path(env.get("IPGAR_BROKER_DIR") or BASE_DIR / "var" / "broker").resolve()
        env["IPGAR_BROKER_DIR"] = str(broker_dir)
        start_worker(broker_dir, env)
        print(f"  Celery worker and beat on the embedded broker in {broker_dir} (log: worker.log)", flush=True)
    os.chdir(BASE_DIR)
    os.execve(sys.executable, [sys.executable, "manage.py", "runserver", "--noreload", address], env)  # noqa: S606 fixed argv


if __name__ == "__main__":
    main(sys.argv[1:])
