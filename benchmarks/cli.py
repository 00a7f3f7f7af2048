"""How fast `corredor` starts: CPU and wall time of whole processes, beside `python -c pass`.

    .venv/bin/python benchmarks/cli.py [--runs 15] [--write]

Each command runs as a whole new process, the commands interleaved run by run so that a change
in the machine's load touches them all alike. CPU is the child's user + system time from the
kernel (wait4), which a busy machine inflates far less than wall time. The load average is
printed before and after. `--write` records the table in benchmarks/results/cli.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORREDOR = str(Path(sys.executable).with_name("corredor"))
PROFILE = str(ROOT / "examples" / "profiles" / "haitian-family-chiapas.json")
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "corredor --help": [CORREDOR, "--help"],
    "corredor screen PROFILE": [CORREDOR, "screen", PROFILE],
    "corredor policy check": [CORREDOR, "policy", "check"],
}
TARGET_CPU = 0.5  # seconds, for --help and screen (the target)


def run_once(command: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one whole process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{command} exited {child.returncode}")
    return usage.ru_utime + usage.ru_stime, wall


def measure(runs: int) -> dict[str, tuple[list[float], list[float]]]:
    samples: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in COMMANDS}
    for name, command in COMMANDS.items():  # one warm-up each: page cache, .pyc files
        run_once(command)
        del name
    for _ in range(runs):
        for name, command in COMMANDS.items():
            cpu, wall = run_once(command)
            samples[name][0].append(cpu)
            samples[name][1].append(wall)
    return samples


def table(samples: dict[str, tuple[list[float], list[float]]]) -> list[str]:
    lines = [
        "| command | CPU min | CPU median | CPU max | wall median |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, (cpu, wall) in samples.items():
        lines.append(
            f"| `{name}` | {min(cpu):.3f} s | {statistics.median(cpu):.3f} s | "
            f"{max(cpu):.3f} s | {statistics.median(wall):.3f} s |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--write", action="store_true", help="record in results/cli.md")
    args = parser.parse_args()
    load_before = os.getloadavg()
    samples = measure(args.runs)
    load_after = os.getloadavg()
    lines = table(samples)
    verdicts = []
    for name in ("corredor --help", "corredor screen PROFILE"):
        median = statistics.median(samples[name][0])
        met = "met" if median < TARGET_CPU else "NOT met"
        verdicts.append(f"- `{name}`: median {median:.3f} s of CPU, target < {TARGET_CPU} s: {met}")
    machine = (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
        f"{args.runs} runs each, interleaved, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    print("\n".join([*lines, "", *verdicts, "", machine]))
    if args.write:
        results = ROOT / "benchmarks" / "results" / "cli.md"
        results.write_text(
            "\n".join(
                [
                    "# CLI start-up",
                    "",
                    "`.venv/bin/python benchmarks/cli.py --runs 15 --write`: whole processes,",
                    "CPU = user + system time of the child (wait4).",
                    "",
                    *lines,
                    "",
                    *verdicts,
                    "",
                    machine,
                    "",
                ]
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
