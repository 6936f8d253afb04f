from django.core.management.base import BaseCommand

from indicators.demo import demo_activity_load


class Command(BaseCommand):
    help = "Lager syntetiske inklusjoner, kapasitetstall og manuelle tall for demoen (idempotent)."

    def handle(self, *args, **options) -> None:
        created = demo_activity_load()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in created.items()))
