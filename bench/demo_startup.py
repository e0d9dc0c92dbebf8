"""How long `tandem demo --reset` takes until the sign-in page answers (target: under 30 s),
and how long its seeding (`prepare_demo`: migrate, world, history) takes in process, which
is less at the mercy of a loaded machine's process start-up.

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


def one_prepare() -> float:
    from tandem.cli.demo import prepare_demo

    data_dir = Path(tempfile.mkdtemp(prefix="tandem-demo-bench-"))
    try:
        started = time.perf_counter()
        prepare_demo(data_dir, reset=True, seed=42, base_url="http://bench")
        return time.perf_counter() - started
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    times = [one_run() for _ in range(runs)]
    print(f"demo startup (fresh data dir, seed + migrate + serve), {runs} runs")
    print(
        f"  median {statistics.median(times):.2f} s, max {max(times):.2f} s, target 30 s "
        f"-> {30 / max(times):.0f}x headroom"
    )
    one_prepare()  # imports and first-use caches out of the figure
    seeding = [one_prepare() for _ in range(runs)]
    print(f"prepare_demo in process (migrate + seed), {runs} runs")
    print(f"  median {statistics.median(seeding):.2f} s, max {max(seeding):.2f} s")


if __name__ == "__main__":
    main()
