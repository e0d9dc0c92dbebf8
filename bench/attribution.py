"""Attribution speed and memory, from the path-table DataFrame to per-channel results.

Generates path tables of distinct paths over 12 channels (long-tailed lengths: log-normal,
mean about 15 touches; channel popularity Zipf-like), then times the heuristics, Markov orders
1-4 (with value) and Shapley at 10 and 15 channels. Each model runs in a fresh process that
loads the table from a pickle, so its peak RSS (which counts numpy, scipy and polars memory
alike) is its own: the whole process, and the part above the loaded table.
Usage: python bench/attribution.py [paths ...]   (default: 10000 100000 1000000)
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from tandem.analytics.attribution import heuristic, markov, shapley

CHANNELS = 12


def path_table(
    size: int, channels: int = CHANNELS, mean_touches: float = 13.0, seed: int = 1
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names = np.array([f"channel_{i:02d}" for i in range(channels)], dtype=object)
    popularity = 1.0 / np.arange(1, channels + 1)
    popularity /= popularity.sum()
    sigma = 0.9
    mu = np.log(mean_touches) - sigma * sigma / 2
    paths: set[str] = set()
    while len(paths) < size:
        want = int((size - len(paths)) * 1.1) + 10
        lengths = np.maximum(1, np.rint(rng.lognormal(mu, sigma, want))).astype(
            np.int64
        )
        codes = rng.choice(channels, size=int(lengths.sum()), p=popularity)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        for s, n in zip(starts.tolist(), lengths.tolist(), strict=True):
            paths.add(" > ".join(names[codes[s : s + n]]))
            if len(paths) >= size:
                break
    ordered = sorted(paths)
    conv = rng.poisson(0.3, size)
    return pd.DataFrame(
        {
            "path": ordered,
            "total_conversions": conv,
            "total_conversion_value": conv * rng.lognormal(4.0, 0.5, size),
            "total_null": rng.poisson(3.0, size),
        }
    )


MODELS: dict[str, Callable[[pd.DataFrame], object]] = {
    "first_touch": lambda t: heuristic(t, "first_touch"),
    "linear": lambda t: heuristic(t, "linear"),
    "position_based": lambda t: heuristic(t, "position_based"),
    **{f"markov order {k}": (lambda t, k=k: markov(t, order=k)) for k in (1, 2, 3, 4)},
}


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_one(table_file: str, model: str) -> None:
    """In a fresh process: load the table, run one model, print seconds and memory as JSON."""
    table = pd.read_pickle(table_file)
    gc.collect()
    before = _rss_mib()
    start = time.perf_counter()
    MODELS[model](table)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "peak": peak, "above_table": peak - before}))


def main(sizes: list[int]) -> None:
    print(
        f"python {sys.version.split()[0]}, numpy {np.__version__}, pandas {pd.__version__}"
    )
    print(
        "| paths | mean touches | model | wall s | paths/s | peak RSS MiB | above table MiB |"
    )
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            table = path_table(size)
            touches = table["path"].str.count(">").mean() + 1
            table_file = os.path.join(tmp, f"paths-{size}.pkl")
            table.to_pickle(table_file)
            del table
            for model in MODELS:
                out = subprocess.run(
                    [sys.executable, __file__, "--run", table_file, model],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                r = json.loads(out.stdout)
                print(
                    f"| {size:,} | {touches:.1f} | {model} | {r['seconds']:.2f} | "
                    f"{size / r['seconds']:,.0f} | {r['peak']:,.0f} | {r['above_table']:,.0f} |",
                    flush=True,
                )
    print()
    print("| channels | distinct paths | Shapley | wall s | coalitions |")
    print("| ---: | ---: | --- | ---: | ---: |")
    for channels in (10, 15):
        table = path_table(20_000, channels=channels, mean_touches=4.0, seed=channels)
        start = time.perf_counter()
        result = shapley(table)
        elapsed = time.perf_counter() - start
        exact = "exact" if (result["error_bound"] == 0).all() else "sampled"
        print(
            f"| {channels} | 20,000 | {exact}, with value | {elapsed:.2f} | {2**channels:,} |"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--run"]:
        run_one(sys.argv[2], sys.argv[3])
    else:
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000])
