"""`make bench`: synth time and memory, stock provider import against the fast one, the processor, verify.

Each synth runs the app as cdktf and `make synth` do, in its own process. A
round runs the stock synth of the default config, the fast synth of the
default config with a cold jsii package cache (a fresh cache root and a fresh
output folder, as a new CI runner has them), then the warm fast synth of the
default and of each grown config, back to back, so a machine slowing down
affects them all alike. Wall time comes
from the parent's clock; peak memory is the largest resident size of the
synth's whole process tree (Python and the jsii Node process), sampled from
/proc. The processor's figures come from tools/processor_bench.py and
make verify's from tools/verify_bench.py; `--processor-only` and
`--verify-only` skip the synths, which take minutes.
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
from dataclasses import dataclass, field
from pathlib import Path

from config.loader import DEFAULT_CONFIG
from project import PROJECT_ROOT, SYNTH_OUTDIR
from synth.jsii_cache import CACHE_ROOT_ENV_VAR
from synth.provider_import import STOCK_IMPORT_ENV_VAR
from tools import processor_bench, verify_bench
from tools.cdktf_cli import app_command
from tools.scale_config import SCALE_OU_COUNT, SCALE_REGIONS, write_scale_config

SAMPLE_SECONDS = 0.02
# The targets, for a 2-core machine (BENCHMARKS.md).
TARGET_RATIO = 4
TARGET_FAST_SECONDS = 2
TARGET_FAST_PEAK_MIB = 300
TARGET_SCALE_GROWTH = 0.15


@dataclass(frozen=True)
class Run:
    wall_seconds: float
    peak_mib: float
    template_bytes: int


def synth_once(config: Path, *, stock: bool, cold: bool = False) -> Run:
    with tempfile.TemporaryDirectory() as outdir:
        env = {
            **os.environ,
            "SESSION_LOGS_CONFIG": str(config),
            "CDKTF_OUTDIR": str(Path(outdir) / SYNTH_OUTDIR),
            STOCK_IMPORT_ENV_VAR: "1" if stock else "0",
        }
        if cold:
            env[CACHE_ROOT_ENV_VAR] = str(Path(outdir) / "jsii-package-cache")
        started = time.perf_counter()
        process = subprocess.Popen(
            app_command(), cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL
        )
        peak = _PeakTreeMemory(process.pid)
        peak.start()
        returncode = process.wait()
        wall = time.perf_counter() - started
        peak.stop()
        if returncode != 0:
            raise SystemExit(f"synth of {config} failed with exit status {returncode}")
        return Run(wall, peak.peak_kib / 1024, _template_bytes(Path(outdir) / SYNTH_OUTDIR))


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


SCALE = f"{SCALE_OU_COUNT} OUs, {len(SCALE_REGIONS)} regions"
OUS_ONLY = f"{SCALE_OU_COUNT} OUs, the default regions"
REGIONS_ONLY = f"{len(SCALE_REGIONS)} regions, the default OUs"


@dataclass
class Rounds:
    """Per round, back to back: the stock synth of the default config, then the
    fast synth of the default and of each grown config, in a rotating order."""

    stock: list[Run] = field(default_factory=list)
    cold: list[Run] = field(default_factory=list)
    fast: list[Run] = field(default_factory=list)
    grown: dict[str, list[Run]] = field(default_factory=dict)


def run_rounds(default: Path, grown: dict[str, Path], rounds: int) -> Rounds:
    runs = Rounds(grown={label: [] for label in grown})
    fast = [(runs.fast, default), *((runs.grown[label], config) for label, config in grown.items())]
    for round_number in range(rounds):
        runs.stock.append(synth_once(default, stock=True))
        runs.cold.append(synth_once(default, stock=False, cold=True))
        # A rotating order, so no config always runs in the same place (right
        # after the stock synth, say) and any effect of the place is shared.
        shift = round_number % len(fast)
        for results, config in fast[shift:] + fast[:shift]:
            results.append(synth_once(config, stock=False))
    return runs


def median_wall(runs: list[Run]) -> float:
    return statistics.median(r.wall_seconds for r in runs)


def median_peak(runs: list[Run]) -> float:
    return statistics.median(r.peak_mib for r in runs)


def median_ratio(numerators: list[Run], denominators: list[Run]) -> float:
    """Median of per-round ratios: a round's runs ran back to back, under the same load."""
    return statistics.median(
        n.wall_seconds / d.wall_seconds for n, d in zip(numerators, denominators, strict=True)
    )


def against(target: str, met: bool) -> str:
    return f"  (target {target}: {'met' if met else 'NOT met'})"


def report(runs: Rounds) -> None:
    print(f"default config (config/default.yaml): {len(runs.fast)} rounds")
    kinds = (("stock", runs.stock), ("cold", runs.cold), ("warm", runs.fast))
    for name, kind in kinds:
        print(
            f"  {name:5}  median wall {median_wall(kind):6.2f} s   "
            f"median peak memory {median_peak(kind):7.0f} MiB"
        )
    cold_ratio = median_ratio(runs.stock, runs.cold)
    print(f"  stock/cold wall ratio: {cold_ratio:.2f} (a new runner's first synth)")
    ratio = median_ratio(runs.stock, runs.fast)
    print(
        f"  stock/warm wall ratio: {ratio:.2f}"
        + against(f">= {TARGET_RATIO}", ratio >= TARGET_RATIO)
    )
    fast, fast_peak = median_wall(runs.fast), median_peak(runs.fast)
    fast_met = fast <= TARGET_FAST_SECONDS
    print(f"  warm synth wall: {fast:.2f} s" + against(f"<= {TARGET_FAST_SECONDS} s", fast_met))
    peak_met = fast_peak <= TARGET_FAST_PEAK_MIB
    print(
        f"  warm synth peak memory: {fast_peak:.0f} MiB"
        + against(f"<= {TARGET_FAST_PEAK_MIB} MiB", peak_met)
    )
    for label, grown in runs.grown.items():
        growth = median_ratio(grown, runs.fast) - 1
        print(
            f"{label}, fast: median wall {median_wall(grown):.2f} s, "
            f"peak memory {median_peak(grown):.0f} MiB, {growth:+.0%} against the default"
            + (
                against(f"<= +{TARGET_SCALE_GROWTH:.0%}", growth <= TARGET_SCALE_GROWTH)
                if label == SCALE
                else ""
            )
        )
    scale, default = runs.grown[SCALE][0].template_bytes, runs.fast[0].template_bytes
    print(
        f"member template: {scale} bytes with {SCALE}, {default} bytes with the default config"
        + against("same size", scale == default)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7, help="rounds of all the synths")
    only = parser.add_mutually_exclusive_group()
    only.add_argument(
        "--processor-only", action="store_true", help="measure only the Firehose processor"
    )
    only.add_argument("--verify-only", action="store_true", help="measure only make verify")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if not (args.processor_only or args.verify_only):
        bench_synths(args.rounds)
    if not args.verify_only:
        processor_bench.main()
    if not args.processor_only:
        verify_bench.main()


def bench_synths(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        grown = {
            SCALE: write_scale_config(DEFAULT_CONFIG, Path(folder) / "scale.yaml"),
            OUS_ONLY: write_scale_config(
                DEFAULT_CONFIG, Path(folder) / "ous.yaml", many_regions=False
            ),
            REGIONS_ONLY: write_scale_config(
                DEFAULT_CONFIG, Path(folder) / "regions.yaml", many_ous=False
            ),
        }
        report(run_rounds(DEFAULT_CONFIG, grown, rounds))


if __name__ == "__main__":
    main()
