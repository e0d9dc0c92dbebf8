"""Run the Sandbox network as a child process on a free loopback port (tests, benchmarks, tools)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

STARTUP_SECONDS = 60.0  # a bound, not a wait: a loaded machine can take 20 s to import


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SandboxServer:
    db: Path
    port: int
    args: tuple[str, ...] = ()
    launcher: tuple[str, ...] = (sys.executable, "-m", "tandem.connectors.sandbox")
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [*self.launcher]
        command += ["--port", str(self.port), "--db", str(self.db), *self.args]
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                _, err = self.process.communicate()
                raise RuntimeError(f"Sandbox exited: {err.decode(errors='replace')}")
            try:
                if httpx.get(f"{self.url}/_control/health", timeout=1).is_success:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Sandbox not ready within {STARTUP_SECONDS} s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        if self.process.stderr:
            self.process.stderr.close()
        self.process = None

    def control(self, path: str, body: dict[str, Any] | None = None) -> Any:
        response = httpx.post(f"{self.url}/_control/{path}", json=body or {}, timeout=5)
        response.raise_for_status()
        return response.json()

    def stats(self) -> Any:
        return httpx.get(f"{self.url}/api/v1/stats", timeout=5).json()
