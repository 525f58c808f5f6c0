from django.core.management.base import BaseCommand, CommandError

from heartbeat.checkins import heartbeat_pass
from heartbeat.selectors import extraction_stats


class Command(BaseCommand):
    help = "Run one heartbeat pass now and print what it did for each chat."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one pass (required).")

    def handle(self, *args, once: bool, **options):
        if not once:
            raise CommandError("Pass --once: beat runs the regular passes.")
        results = heartbeat_pass()
        if not results:
            self.stdout.write("No chats yet.")
        for result in results:
            self.stdout.write(str(result))
        stats = extraction_stats()
        if stats.messages:
            self.stdout.write(
                f"Memory: {stats.messages} messages read, {stats.skipped} skipped by "
                f"heuristics ({stats.skipped_share:.0%}), {stats.items} items found."
            )
