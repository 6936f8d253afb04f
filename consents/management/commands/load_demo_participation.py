from django.core.management.base import BaseCommand

from consents.demo import demo_participation_load


class Command(BaseCommand):
    help = "Legg inn demo-deltakelse med syntetiske testpersoner (idempotent)."

    def handle(self, *args, **options):
        created = demo_participation_load()
        self.stdout.write(f"Demo-deltakelse: {created['enrolments']} nye inklusjoner.")
