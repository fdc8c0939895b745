"""Everything the demo needs, in order; each step is idempotent."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

DEMO_COMMANDS = [
    "load_demo_province",
    "load_demo_catalogue",
    "load_demo_estore",
    "load_demo_queueing",
    "load_demo_exchange",
]


class Command(BaseCommand):
    help = (
        "Load the demo province, its procedure catalogue, the demo citizens' e-store, the queue tickets' "
        "counters and the national portal's mappings (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.core.management import get_commands

        available = get_commands()
        for name in DEMO_COMMANDS:
            if name in available:
                call_command(name, stdout=self.stdout)
