"""`manage.py cycles_notify_producers`: email each producer of the cycles that closed what to bring.

Each cycle is announced once (claimed in the database before any email leaves): running the command
twice, or on two machines, sends nothing more.
"""

from django.core.management.base import BaseCommand

from cabas.orders import pick_list


class Command(BaseCommand):
    help = "Email the producers of closed order cycles what to bring, per distributor (once per cycle)."

    def handle(self, *args, **options):
        sent = pick_list.cycles_notify_producers()
        self.stdout.write(f"{sent} email(s) queued")
