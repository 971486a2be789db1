"""A real ``kingmaker serve`` process for the browser and load tests.

Started as a subprocess on a free port of 127.0.0.1 with its own temporary store, waited for
until it answers, and stopped at the end (terminated, then killed if it lingers) whatever the
test did.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

HOST = "127.0.0.1"
START_TIMEOUT = 90.0  # a cold start compiles eum's core (numba) before the first answer


@dataclass(frozen=True)
class Server:
    url: str
    store: str
    log: Path

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60.0, **kwargs)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def serve(folder: Path, *args: str) -> Iterator[Server]:
    """``kingmaker serve`` on a free loopback port, its store and log in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    store = f"sqlite:///{folder / 'runs.sqlite'}"
    log = folder / "serve.log"
    port = free_port()
    command = [sys.executable, "-m", "kingmaker", "serve", "--host", HOST, "--port", str(port)]
    command += ["--store", store, *args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = Server(f"http://{HOST}:{port}", store, log)
    try:
        _wait_until_up(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _wait_until_up(server: Server, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with server.client() as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"kingmaker serve exited with {process.returncode}:\n"
                    + server.log.read_text(errors="replace")
                )
            try:
                if client.get("/api/scenarios", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise RuntimeError(
        f"kingmaker serve did not answer within {START_TIMEOUT:.0f} s:\n"
        + server.log.read_text(errors="replace")
    )
