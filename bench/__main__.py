"""``python -m bench [NAME ...] [--quick] [--sizes N ...] [--duration S] [--database-url URL]``: run the
named benchmarks (all by default) and print one summary table (bench/suite.py).

``python -m bench NAME [NAME ...] -- OPTIONS``: run the named benchmarks with their own command-line
options instead (e.g. ``python -m bench calendar -- --sample 2000``), each printing its own table only.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from pathlib import Path

from bench import BENCHMARKS


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    passed_on: list[str] | None = None
    if "--" in argv:
        split = argv.index("--")
        argv, passed_on = argv[:split], argv[split + 1 :]
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run egov-vn benchmarks.")
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"benchmarks to run: {', '.join(BENCHMARKS)}"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument(
        "--quick", action="store_true", help="small datasets and short runs (checks everything works)"
    )
    parser.add_argument("--sizes", type=int, nargs="+", help="dossiers, for the benchmarks on generated data")
    parser.add_argument("--duration", type=float, help="seconds per HTTP measurement")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="a PostgreSQL server (postgres://…/postgres) to measure beside SQLite ($BENCH_DATABASE_URL)",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--data-dir", type=Path, help="where generated databases are kept (var/bench)")
    parser.add_argument("--results-dir", type=Path, help="where tables and the summary go")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(BENCHMARKS))
        return 0
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    if args.no_sqlite and not args.database_url:
        parser.error("--no-sqlite needs --database-url")
    if passed_on is not None:
        return _each_with_own_options(args.names or list(BENCHMARKS), passed_on)
    from bench import suite

    settings = suite.Settings(
        quick=args.quick,
        sizes=tuple(args.sizes) if args.sizes else None,
        duration=args.duration,
        database_url=args.database_url,
        sqlite=not args.no_sqlite,
        data_dir=args.data_dir or suite.DATA_DIR,
        results_dir=args.results_dir,
    )
    return suite.main(args.names, settings)


def _each_with_own_options(names: list[str], passed_on: list[str]) -> int:
    status = 0
    for name in names:
        print(f"== {name} ==", flush=True)
        if importlib.util.find_spec(BENCHMARKS[name]) is None:
            print(f"(not available: {BENCHMARKS[name].replace('.', '/')}.py does not exist yet)")
            status = 1
            continue
        module = importlib.import_module(BENCHMARKS[name])
        status = module.main(passed_on) or status
    return status


if __name__ == "__main__":
    sys.exit(main())
