"""``python -m bench [NAME ...] [-- OPTIONS]``: run the named benchmarks (all by default).

Options after ``--`` go to each benchmark, e.g. ``python -m bench calendar -- --sample 2000``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from bench import BENCHMARKS


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    passed_on: list[str] = []
    if "--" in argv:
        split = argv.index("--")
        argv, passed_on = argv[:split], argv[split + 1 :]
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run egov-vn benchmarks.")
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"benchmarks to run: {', '.join(BENCHMARKS)}"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(BENCHMARKS))
        return 0
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    status = 0
    for name in args.names or list(BENCHMARKS):
        print(f"== {name} ==", flush=True)
        module = importlib.import_module(BENCHMARKS[name])
        status = module.main(passed_on) or status
    return status


if __name__ == "__main__":
    sys.exit(main())
