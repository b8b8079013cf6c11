"""Instructions per request of make bench's targets, counted by callgrind.

    .venv/bin/python bench/instructions.py [--runs N] [--urls DIR] [TARGET|/URL ...]

(with make bench's DATABASE_URL). The same requests as bench/cpu.py (Django's
WSGI handler and the whole middleware stack, the page cache off unless
PAGE_CACHE=1), run under valgrind's callgrind with counting switched on only
after a warm-up of 20 requests, so start-up and first-request work are not
counted. Prints the instructions executed in this process per request, in
millions: the same figure for the same code and data on any run, however
busy the machine is (CPU times on a shared 2-core machine drift by a third
between runs). It counts the application's process only: PostgreSQL's and
Redis's work is not in it.

The peer, with its own interpreter, settings and URL lists (as bench/cpu.py):

    cd ../shared/bench/peer-wagtail/site && DJANGO_SETTINGS_MODULE=peersite.settings \\
      PYTHONPATH=. /tmp/wagtail-venv/bin/python /path/to/bench/instructions.py \\
      --urls DIR article

Needs valgrind (Debian's package). About 30 s per target at 40 runs.
"""

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
WARM_UP = 20


def count(target: str, runs: int, lists: Path) -> float:
    """Millions of instructions per request of ``target``, under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no",
             f"--callgrind-out-file={out}", sys.executable, __file__, "--inner",
             "--runs", str(runs), "--urls", str(lists), target],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for line in out.read_text().splitlines():
            if line.startswith("totals:"):
                return int(line.split()[1]) / runs / 1e6
    raise RuntimeError(f"callgrind wrote no totals for {target}")


def inner(target: str, runs: int, lists: Path) -> None:
    """Under valgrind: warm up, then count ``runs`` requests only."""
    spec = importlib.util.spec_from_file_location("bench_cpu", HERE / "cpu.py")
    cpu = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cpu)  # sets Django up
    call = cpu.call
    urls = (
        [target]
        if target.startswith("/")
        else (lists / f"{target}.txt").read_text().split()
    )
    for url in urls[:WARM_UP]:
        call(url)
    toggle = ["callgrind_control", "--instr"]
    subprocess.run([*toggle, "on", str(os.getpid())], check=True, capture_output=True)
    for n in range(runs):
        call(urls[(WARM_UP + n) % len(urls)])
    subprocess.run([*toggle, "off", str(os.getpid())], check=True, capture_output=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "targets", nargs="*", default=["article", "home", "index_p1", "company", "tag"]
    )
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument(
        "--urls", type=Path, default=HERE.parent / "var" / "bench" / "urls"
    )
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.targets[0], args.runs, args.urls)
        return
    for target in args.targets:
        millions = count(target, args.runs, args.urls)
        sys.stdout.write(f"{target}: {millions:.2f} M instructions a request\n")


if __name__ == "__main__":
    main()
