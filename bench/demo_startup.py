"""How long `tandem demo --reset` takes until the sign-in page answers (target: under 30 s).

Usage: python bench/demo_startup.py [runs]
"""

from __future__ import annotations

import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

TANDEM = Path(sys.executable).with_name("tandem")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def one_run() -> float:
    data_dir = Path(tempfile.mkdtemp(prefix="tandem-demo-bench-"))
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            str(TANDEM),
            "demo",
            "--reset",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.perf_counter() - started < 60:
            try:
                if (
                    httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code
                    == 200
                ):
                    return time.perf_counter() - started
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("the demo did not answer within 60 s")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    times = [one_run() for _ in range(runs)]
    print(f"demo startup (fresh data dir, seed + migrate + serve), {runs} runs")
    print(
        f"  median {statistics.median(times):.2f} s, max {max(times):.2f} s, target 30 s "
        f"-> {30 / max(times):.0f}x headroom"
    )


if __name__ == "__main__":
    main()
