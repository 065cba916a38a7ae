"""Start one measured command and report its time and peak memory: the harness's go-between.

    python benchmarks/spawn.py < {"argv": [...], "stdout": PATH or null}
    -> {"seconds": …, "max_rss_kib": …, "returncode": …, "stderr": "…"} on standard output

Why a go-between: on Linux a child's ru_maxrss starts from its parent's memory. exec records
the high-water mark of the address space it replaces, and a child started with vfork (as
subprocess does) replaces its parent's own, so every command started by the harness would
report at least the harness's peak (86 MiB after generating a ledger, where `heartlink export`
itself peaks at 25). This small, freshly started process is the parent instead: the floor it
leaves is its own few MiB. It imports only the standard library, and times the command itself,
around the start and the wait, as the harness did.
"""

import json
import os
import subprocess
import sys
import tempfile
import time


def main() -> None:
    order = json.load(sys.stdin)
    with tempfile.TemporaryFile() as errors:
        out = open(order["stdout"], "wb") if order["stdout"] else subprocess.DEVNULL  # noqa: SIM115
        try:
            started = time.perf_counter()
            process = subprocess.Popen(
                order["argv"], stdin=subprocess.DEVNULL, stdout=out, stderr=errors
            )
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
        finally:
            if order["stdout"]:
                out.close()  # type: ignore[union-attr]
        errors.seek(0)
        message = errors.read()[-4000:].decode("utf-8", "replace")
    json.dump(
        {
            "seconds": seconds,
            "max_rss_kib": usage.ru_maxrss,
            "returncode": os.waitstatus_to_exitcode(status),
            "stderr": message,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
