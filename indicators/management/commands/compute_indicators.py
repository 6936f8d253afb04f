from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators import services
from indicators.periods import Period, previous_month


class Command(BaseCommand):
    help = (
        "Beregner indikatorverdier for en periode (ÅÅÅÅ-MM eller ÅÅÅÅ), eller de siste N månedene."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", help="ÅÅÅÅ-MM eller ÅÅÅÅ (standard: forrige måned)")
        parser.add_argument("--months", type=int, default=1, help="Antall måneder bakover")

    def handle(self, *args, period=None, months=1, **options) -> None:
        try:
            target = Period.parse(period) if period else previous_month()
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        periods = target.months_back(months) if target.kind == "month" else [target]
        for p in periods:
            result = services.snapshots_compute(period=p)
            self.stdout.write(f"{p}: {result.created} verdier")
