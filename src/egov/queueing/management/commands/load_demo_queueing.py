"""Load the demo queues: lines and counters at every one-stop centre of the demo province (docs/queueing.md).
Idempotent. Needs ``load_demo_province`` first."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egov.queueing.demo import DemoQueueError, demo_queueing_load


class Command(BaseCommand):
    help = "Load the demo ticket lines and counters of the one-stop centres (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo_queueing_load()
        except DemoQueueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo queues ready at {result.centres} centres "
                f"({result.created} lines and counters created)."
            )
        )
