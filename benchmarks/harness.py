"""Timing whole processes against a baseline: the registry, interleaved runs, medians, ratios.

A measurement is a function registered with `@measurement`; it returns Comparisons (a subject
command, a baseline command and a target) or raises Skip with the reason. Each comparison runs
one warm-up of each command, then subject and baseline alternately (A, B, A, B, …), so that
a noisy machine slows both alike; only the ratio of the medians is judged.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import datagen


class Skip(Exception):
    """A measurement that cannot run here, with the reason (`needs heartlink import`)."""


class BenchmarkError(Exception):
    """A command under measurement failed."""


@dataclass(frozen=True)
class Command:
    """One process to start. `prepare` runs before every run and `check` after it, both
    untimed (say, to delete the previous run's output, then to make sure the command did its
    work: raise BenchmarkError if not); stdout goes to `stdout` or nowhere; `env` adds to the
    measured environment (HEARTLINK_LANG=vi)."""

    label: str
    argv: Sequence[str]
    prepare: Callable[[], None] | None = None
    stdout: Path | None = None
    check: Callable[[], None] | None = None
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Sample:
    """One run: wall-clock seconds and the process's peak resident memory (KiB)."""

    seconds: float
    max_rss_kib: int


@dataclass(frozen=True)
class Metric:
    """What is compared: a value per run (given the run and the rows it handled), shown how."""

    name: str
    of: Callable[[Sample, int], float]
    show: Callable[[float], str]
    higher_is_better: bool = False


TIME = Metric("time", lambda run, rows: run.seconds, lambda v: f"{v * 1000:,.1f} ms")
MEMORY = Metric("peak memory", lambda run, rows: run.max_rss_kib / 1024, lambda v: f"{v:,.1f} MiB")
RATE = Metric("rate", lambda run, rows: rows / run.seconds, lambda v: f"{v:,.0f} rows/s", True)


@dataclass(frozen=True)
class Comparison:
    """A subject against its baseline. The ratio is subject / baseline of the metric's medians
    (time: seconds; memory: peak RSS; rate: rows per second over `rows` rows); the target is
    met when the ratio is at most `limit` (at least, when higher is better)."""

    name: str
    subject: Command
    baseline: Command
    limit: float | None  # None: shown for information, no target
    metric: Metric = TIME
    rows: int = 0
    slow: bool = False  # runs Context.slow_repeats times instead of Context.repeats

    def target(self) -> str:
        if self.limit is None:
            return "—"
        return f"{'≥' if self.metric.higher_is_better else '≤'} {self.limit:g}×"


@dataclass
class Result:
    comparison: Comparison
    subject: list[Sample] = field(default_factory=list)
    baseline: list[Sample] = field(default_factory=list)

    def values(self, samples: list[Sample]) -> list[float]:
        return sorted(self.comparison.metric.of(run, self.comparison.rows) for run in samples)

    def median(self, samples: list[Sample]) -> float:
        return statistics.median(self.values(samples))

    @property
    def ratio(self) -> float:
        return self.median(self.subject) / self.median(self.baseline)

    @property
    def verdict(self) -> str:
        limit = self.comparison.limit
        if limit is None:
            return "info"
        higher = self.comparison.metric.higher_is_better
        return "PASS" if (self.ratio >= limit if higher else self.ratio <= limit) else "FAIL"


@dataclass
class Context:
    """What measurements share: where files go, the sizes asked for, how to start things."""

    work: Path
    sizes: list[int]
    repeats: int
    slow_repeats: int = 3
    years: int = datagen.YEARS
    seed: int = 5
    env: dict[str, str] = field(default_factory=dict)

    def repeats_of(self, comparison: Comparison) -> int:
        return self.slow_repeats if comparison.slow else self.repeats

    def ledger(self, handouts: int) -> Path:
        """The cached generated database with this many handouts (generated on first use)."""
        options = {"years": self.years, "seed": self.seed}
        if not datagen.cache_path(self.work, handouts, **options).exists():
            say(f"  generating a ledger of {handouts:,} handouts (kept for later runs)…")
            started = time.perf_counter()
            datagen.cached(self.work, handouts, **options)
            say(f"  generated in {time.perf_counter() - started:.0f} s")
        return datagen.cache_path(self.work, handouts, **options)

    def scratch(self, name: str) -> Path:
        """A path in the scratch folder, which every invocation starts empty."""
        return self.work / "scratch" / name

    def heartlink(self, db: Path, *args: str) -> list[str]:
        return [*heartlink_argv(), "--db", str(db), *args]

    def python(self, *args: str) -> list[str]:
        return [sys.executable, *args]

    def require_heartlink(self, *words: str) -> None:
        """Skip unless `heartlink WORDS…` is a command of this heartlink."""
        argv = [*heartlink_argv(), *words, "--help"]
        if subprocess.run(argv, capture_output=True, env=self.env).returncode != 0:
            raise Skip(f"needs `heartlink {' '.join(words)}`")

    def require_sqlite3_cli(self) -> str:
        found = shutil.which("sqlite3")
        if not found:
            raise Skip("needs the sqlite3 command-line tool (apt-get install sqlite3)")
        return found


@dataclass(frozen=True)
class Measurement:
    key: str
    title: str
    build: Callable[[Context], list[Comparison]]


REGISTRY: dict[str, Measurement] = {}


def measurement(key: str, title: str) -> Callable:
    """Register a function `build(ctx) -> [Comparison]` under `key`, in definition order."""

    def register(build: Callable[[Context], list[Comparison]]) -> Callable:
        REGISTRY[key] = Measurement(key, title, build)
        return build

    return register


def heartlink_argv() -> list[str]:
    """The console script installed beside this Python (what people type), else -m."""
    script = Path(sys.executable).parent / ("heartlink.exe" if os.name == "nt" else "heartlink")
    return [str(script)] if script.exists() else [sys.executable, "-m", "heartlink"]


def child_environment(work: Path) -> dict[str, str]:
    """The environment of every measured process: bytecode caching on (in work/pycache), as it
    is for an installed heartlink, and no heartlink settings from the caller."""
    env = dict(os.environ)
    for name in (
        "PYTHONDONTWRITEBYTECODE",
        "HEARTLINK_DB",
        "HEARTLINK_DEBUG",
        "PYTHONPROFILEIMPORTTIME",
        "HEARTLINK_LANG",
    ):
        env.pop(name, None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


SPAWN = Path(__file__).resolve().with_name("spawn.py")


def run_once(command: Command, env: Mapping[str, str]) -> Sample:
    """Start the command, wait for it, and return its time and peak memory.

    Where the platform reports a child's own peak memory (os.wait4: Linux, macOS), the command
    is started by benchmarks/spawn.py, a small fresh process that times it and reads its
    ru_maxrss: started from here, the command would inherit this process's peak as its own.
    """
    if command.prepare:
        command.prepare()
    env = {**env, **command.env}
    if hasattr(os, "wait4"):
        order = {"argv": list(command.argv), "stdout": command.stdout and str(command.stdout)}
        spawned = subprocess.run(
            [sys.executable, str(SPAWN)],
            input=json.dumps(order),
            capture_output=True,
            text=True,
            env=env,
        )
        if spawned.returncode != 0:
            raise BenchmarkError(f"benchmarks/spawn.py failed: {spawned.stderr.strip()}")
        report = json.loads(spawned.stdout)
        seconds, max_rss = report["seconds"], report["max_rss_kib"]
        returncode, message = report["returncode"], report["stderr"]
    else:
        with tempfile.TemporaryFile() as errors:
            out = open(command.stdout, "wb") if command.stdout else subprocess.DEVNULL  # noqa: SIM115
            try:
                started = time.perf_counter()
                process = subprocess.run(
                    command.argv, stdin=subprocess.DEVNULL, stdout=out, stderr=errors, env=env
                )
                seconds, max_rss = time.perf_counter() - started, 0
            finally:
                if command.stdout:
                    out.close()  # type: ignore[union-attr]
            errors.seek(0)
            returncode, message = process.returncode, errors.read().decode("utf-8", "replace")
    if returncode != 0:
        raise BenchmarkError(
            f"{command.label} failed (exit {returncode}): {' '.join(command.argv)}"
            f"\n{message.strip()[-2000:]}"
        )
    if command.check:
        command.check()
    return Sample(seconds, max_rss)


def run_comparison(comparison: Comparison, repeats: int, env: Mapping[str, str]) -> Result:
    """One warm-up of each (not counted), then subject and baseline alternately."""
    result = Result(comparison)
    run_once(comparison.subject, env)
    run_once(comparison.baseline, env)
    for _ in range(repeats):
        result.subject.append(run_once(comparison.subject, env))
        result.baseline.append(run_once(comparison.baseline, env))
    return result


def describe(result: Result) -> str:
    """A few lines on one comparison: medians, spread, ratio and verdict."""
    comparison = result.comparison
    show = comparison.metric.show
    lines = []
    for label, command, samples in (
        ("subject ", comparison.subject, result.subject),
        ("baseline", comparison.baseline, result.baseline),
    ):
        values = result.values(samples)
        lines.append(
            f"    {label} median {show(result.median(samples)):>14}  (min {show(values[0])},"
            f" max {show(values[-1])}, n={len(values)})  {command.label}"
        )
    lines.append(
        f"    ratio of {comparison.metric.name} {result.ratio:.2f}×  target {comparison.target()}"
        f"  {result.verdict}"
    )
    return "\n".join(lines)


def summary(results: list[Result]) -> str:
    """A Markdown table of every comparison, for the README and the closing note."""
    rows = [
        "| measurement | subject (median) | baseline (median) | ratio | target | result |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for result in results:
        show = result.comparison.metric.show
        rows.append(
            f"| {result.comparison.name} | {show(result.median(result.subject))}"
            f" | {show(result.median(result.baseline))} | {result.ratio:.2f}×"
            f" | {result.comparison.target()} | {result.verdict} |"
        )
    return "\n".join(rows)


def say(message: str) -> None:
    print(message, flush=True)
