from django.core.management.base import BaseCommand

from indicators.kbs.demo import demo_kbs_load


class Command(BaseCommand):
    help = "Åpne fjorårets KBS-rapportering i demoen, med kandidater (idempotent)."

    def handle(self, *args, **options):
        result = demo_kbs_load()
        self.stdout.write(
            f"KBS {result['year']}: {result['candidates']} kandidater, "
            f"{result['decided']} KBS-prosjekter."
        )
