"""One command to run everything: migrate, collect static files, optionally load the demo province,
then serve with granian (WSGI) and run the background-task worker beside it until interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from egov.core.server import DEFAULT_THREADS, DEFAULT_WORKERS, granian_command


class Command(BaseCommand):
    help = "Migrate, collect static files, optionally load demo data, then serve with a task worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="granian worker processes")
        parser.add_argument(
            "--threads",
            type=int,
            default=DEFAULT_THREADS,
            help="blocking threads per worker (1: see egov.core.server)",
        )
        parser.add_argument("--demo", action="store_true", help="Load the demo province (idempotent).")
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the background-task worker and scheduler."
        )
        parser.add_argument(
            "--portal-simulator",
            action="store_true",
            help="Also run the national portal simulator on port 8100 (docs/national-portal.md).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if options["demo"]:
            call_command("load_demo")  # the portal's mappings included (load_demo_exchange)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE),
        }
        server = granian_command(
            "egov.wsgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            threads=options["threads"],
        )
        children = [subprocess.Popen(server, env=env)]  # noqa: S603 - fixed argv, no shell
        if not options["no_worker"]:
            worker = [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload"]
            children.append(subprocess.Popen(worker, env=env))  # noqa: S603
            scheduler = [sys.executable, "manage.py", "scheduler"]
            children.append(subprocess.Popen(scheduler, env=env))  # noqa: S603
        if options["portal_simulator"]:
            ours = f"http://{options['host']}:{options['port']}/api/v1/lienthong/national_portal/"
            simulator = [sys.executable, "manage.py", "national_portal_simulator", "--province-url", ours]
            children.append(subprocess.Popen(simulator, env=env))  # noqa: S603
        self.stdout.write(
            self.style.SUCCESS(
                f"egov-vn is serving on http://{options['host']}:{options['port']}/ (Ctrl+C stops it)"
            )
        )

        def stop(signum: int, frame: Any) -> None:
            for child in children:
                child.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            children[0].wait()
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                child.terminate()
            for child in children:
                child.wait(timeout=10)
