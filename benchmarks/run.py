"""Run heartlink's benchmarks: `python benchmarks/run.py` (or `--quick`); see README.md.

Exit status: 0 when every target is met, 1 when one is missed, 2 when a command failed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import datagen, measurements, rollup, spreadsheets  # noqa: F401 (they register their own)
from benchmarks.harness import (
    REGISTRY,
    BenchmarkError,
    Context,
    Result,
    Skip,
    child_environment,
    describe,
    heartlink_argv,
    run_comparison,
    say,
    summary,
)

HERE = Path(__file__).resolve().parent
DEFAULT_SIZES = "1k,1M,10M"
QUICK_SIZES = "1k,100k"
DEFAULT_REPEATS = 11
QUICK_REPEATS = 5
# Import of 1M rows and export to xlsx take a minute or more a run: three runs of each (their
# ratios are far from their targets, or, for peak memory, hardly vary between runs).
DEFAULT_SLOW_REPEATS = 3
QUICK_SLOW_REPEATS = 1


def parse_size(text: str) -> int:
    """1000, 1k, 1M, 2.5M."""
    text = text.strip().replace("_", "")
    scale = {"k": 1000, "m": measurements.MILLION}.get(text[-1:].lower(), 1)
    number = text[:-1] if scale > 1 else text
    try:
        count = int(float(number) * scale)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a size such as 1000, 1k or 10M"
        ) from None
    if count < 1:
        raise argparse.ArgumentTypeError("a size is at least 1")
    return count


def parse_sizes(text: str) -> list[int]:
    return [parse_size(part) for part in text.split(",") if part.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run.py",
        description="Time heartlink against its baselines, interleaved, and judge the ratios.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a small fast run: sizes {QUICK_SIZES}, {QUICK_REPEATS} repeats"
        f" ({QUICK_SLOW_REPEATS} of the slow ones)",
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        help=f"handout counts for the report measurement (default {DEFAULT_SIZES}); import,"
        " backup and export use the largest, up to 1M",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        help=f"runs of each command after a warm-up (default {DEFAULT_REPEATS})",
    )
    parser.add_argument(
        "--slow-repeats",
        type=int,
        help="runs of each slow command (import, export) after a warm-up"
        f" (default {DEFAULT_SLOW_REPEATS})",
    )
    parser.add_argument(
        "--only",
        type=lambda text: [key.strip() for key in text.split(",") if key.strip()],
        help=f"run only these measurements: {', '.join(REGISTRY)}",
    )
    parser.add_argument(
        "--years", type=int, default=datagen.YEARS, help="years of generated history"
    )
    parser.add_argument("--seed", type=int, default=5, help="seed of the generated data")
    parser.add_argument(
        "--work",
        type=Path,
        default=HERE / ".work",
        help="cache of generated ledgers and scratch files (default benchmarks/.work)",
    )
    parser.add_argument("--list", action="store_true", help="list the measurements and exit")
    args = parser.parse_args(argv)
    unknown = set(args.only or []) - set(REGISTRY)
    if unknown:
        parser.error(f"unknown measurement {', '.join(sorted(unknown))}; see --list")
    args.sizes = args.sizes or parse_sizes(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    args.repeats = args.repeats or (QUICK_REPEATS if args.quick else DEFAULT_REPEATS)
    args.slow_repeats = args.slow_repeats or (
        QUICK_SLOW_REPEATS if args.quick else DEFAULT_SLOW_REPEATS
    )
    return args


def header(ctx: Context) -> str:
    return "\n".join(
        [
            f"heartlink benchmarks, {time.strftime('%Y-%m-%d %H:%M')}",
            f"  machine: {platform.platform()}, {os.cpu_count()} CPUs;"
            f" Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}",
            f"  heartlink started as: {' '.join(heartlink_argv())}",
            f"  report sizes: {', '.join(map(measurements.size_label, ctx.sizes))};"
            f" import, backup and export at {measurements.size_label(measurements.bulk_size(ctx))};"
            f" {ctx.repeats} runs of each command ({ctx.slow_repeats} of the slow ones) after"
            " one warm-up, subject and baseline alternating",
            f"  command: python benchmarks/run.py {' '.join(sys.argv[1:])}".rstrip(),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        for item in REGISTRY.values():
            say(f"{item.key:8} {item.title}")
        return 0
    ctx = Context(
        work=args.work.resolve(),
        sizes=args.sizes,
        repeats=args.repeats,
        slow_repeats=args.slow_repeats,
        years=args.years,
        seed=args.seed,
        env=child_environment(args.work.resolve()),
    )
    shutil.rmtree(ctx.scratch(""), ignore_errors=True)
    say(header(ctx))
    results: list[Result] = []
    skipped: list[str] = []
    for item in REGISTRY.values():
        if args.only and item.key not in args.only:
            continue
        say(f"\n{item.key}: {item.title}")
        try:
            for comparison in item.build(ctx):
                say(f"  {comparison.name}")
                result = run_comparison(comparison, ctx.repeats_of(comparison), ctx.env)
                say(describe(result))
                results.append(result)
        except Skip as reason:
            say(f"  skipped: {reason}")
            skipped.append(f"{item.key} ({reason})")
        except BenchmarkError as error:
            say(f"  error: {error}")
            return 2
    say("\n" + summary(results))
    if skipped:
        say(f"\nSkipped: {'; '.join(skipped)}.")
    return 1 if any(result.verdict == "FAIL" for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
