"""The production server's process tree (issue 14.4), for real: serve.py started as production
starts it, then killed with SIGKILL, leaves no worker listening; a second server on a bound
port refuses to start instead of sharing it."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as client:
        client.settimeout(1)
        return client.connect_ex(("127.0.0.1", port)) == 0


def children(pid: int) -> list[int]:
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


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start(port: int, tmp_path) -> subprocess.Popen:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))},
        "SECRET_KEY": "s" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ENV": "production",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'server.sqlite3'}",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "ACCESS_LOG": "0",
    }
    environment.pop("REDIS_URL", None)
    return subprocess.Popen(
        [sys.executable, "serve.py"],
        cwd=BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def wait_until(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def server(tmp_path):
    port = free_port()
    process = start(port, tmp_path)
    started = []
    try:
        assert wait_until(lambda: listening(port) and len(children(process.pid)) >= 2), (
            process.stdout.read() if process.poll() is not None else "no listener"
        )
        started = children(process.pid)
        yield process, port, started
    finally:
        for pid in [process.pid, *started]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(10)


def test_sigkill_of_the_server_takes_its_workers_down_and_frees_the_port(server):
    process, port, workers = server
    assert len(workers) == 2
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    assert wait_until(lambda: not any(alive(pid) for pid in workers), timeout=10), [
        pid for pid in workers if alive(pid)
    ]
    assert wait_until(lambda: not listening(port), timeout=10)


def test_a_second_server_on_a_bound_port_refuses_to_start(server, tmp_path):
    process, port, _workers = server
    second = start(port, tmp_path)
    try:
        output, _ = second.communicate(timeout=60)
    finally:
        if second.poll() is None:
            os.killpg(second.pid, signal.SIGKILL)
    assert second.returncode != 0
    assert f"127.0.0.1:{port} is already in use" in output
    # The first server is untouched: still its own two workers, still listening.
    assert process.poll() is None
    assert len(children(process.pid)) == 2
    assert listening(port)
