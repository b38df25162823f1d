"""`make bench`: synth time and memory, stock provider import against the fast one.

Each synth runs `main.py` in its own process, the two ways alternating so that
a machine slowing down affects both alike. Wall time comes from the parent's
clock; peak memory is the largest resident size of the synth's whole process
tree (Python and the jsii Node process), sampled from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from modules.provider_import import STOCK_IMPORT_ENV_VAR
from tools.scale_config import SCALE_OU_COUNT, SCALE_REGIONS, write_scale_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "default.yaml"
SAMPLE_SECONDS = 0.02


@dataclass(frozen=True)
class Run:
    wall_seconds: float
    peak_mib: float
    template_bytes: int


def synth_once(config: Path, *, stock: bool) -> Run:
    with tempfile.TemporaryDirectory() as outdir:
        env = {
            **os.environ,
            "SESSION_LOGS_CONFIG": str(config),
            "CDKTF_OUTDIR": str(Path(outdir) / "cdktf.out"),
            STOCK_IMPORT_ENV_VAR: "1" if stock else "0",
        }
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "main.py"], cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL
        )
        peak = _PeakTreeMemory(process.pid)
        peak.start()
        returncode = process.wait()
        wall = time.perf_counter() - started
        peak.stop()
        if returncode != 0:
            raise SystemExit(f"synth of {config} failed with exit status {returncode}")
        return Run(wall, peak.peak_kib / 1024, _template_bytes(Path(outdir) / "cdktf.out"))


def _template_bytes(outdir: Path) -> int:
    stack = json.loads((outdir / "stacks" / "member-stackset" / "cdk.tf.json").read_text())
    [stack_set] = stack["resource"]["aws_cloudformation_stack_set"].values()
    return len(stack_set["template_body"].encode())


class _PeakTreeMemory(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self._pid = pid
        self._running = True
        self.peak_kib = 0

    def run(self) -> None:
        while self._running:
            self.peak_kib = max(self.peak_kib, _tree_rss_kib(self._pid))
            time.sleep(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._running = False
        self.join()


def _tree_rss_kib(pid: int) -> int:
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue  # the process ended between samples
        total += next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
        )
        pending += [int(child) for child in children]
    return total


def alternate(config: Path, runs: int) -> tuple[list[Run], list[Run]]:
    stock, fast = [], []
    for _ in range(runs):
        stock.append(synth_once(config, stock=True))
        fast.append(synth_once(config, stock=False))
    return stock, fast


def median_wall(runs: list[Run]) -> float:
    return statistics.median(r.wall_seconds for r in runs)


def median_peak(runs: list[Run]) -> float:
    return statistics.median(r.peak_mib for r in runs)


def report(label: str, stock: list[Run], fast: list[Run]) -> None:
    ratio = statistics.median(
        s.wall_seconds / f.wall_seconds for s, f in zip(stock, fast, strict=True)
    )
    print(f"{label}: {len(stock)} runs each, alternating")
    for name, runs in (("stock", stock), ("fast", fast)):
        print(
            f"  {name:5}  median wall {median_wall(runs):6.2f} s   "
            f"median peak memory {median_peak(runs):7.0f} MiB"
        )
    print(f"  stock/fast wall ratio (median of pairs): {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="synths of each kind per config")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    stock, fast = alternate(DEFAULT_CONFIG, args.runs)
    report("default config (config/default.yaml)", stock, fast)
    with tempfile.TemporaryDirectory() as folder:
        scale = write_scale_config(DEFAULT_CONFIG, Path(folder) / "scale.yaml")
        scale_fast = [synth_once(scale, stock=False) for _ in range(args.runs)]
    growth = median_wall(scale_fast) / median_wall(fast) - 1
    print(
        f"scale config ({SCALE_OU_COUNT} OUs, {len(SCALE_REGIONS)} regions), fast: "
        f"median wall {median_wall(scale_fast):.2f} s, {growth:+.0%} against the default config"
    )
    print(
        f"  member template: {scale_fast[0].template_bytes} bytes "
        f"(default config: {fast[0].template_bytes} bytes)"
    )


if __name__ == "__main__":
    main()
