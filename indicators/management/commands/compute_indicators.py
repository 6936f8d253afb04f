from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators import services
from indicators.periods import Period, annual_periods, previous_month


class Command(BaseCommand):
    help = (
        "Beregner indikatorverdier for en periode (ÅÅÅÅ-MM, ÅÅÅÅ eller ÅÅÅÅ-01..MM), eller de siste "
        "N månedene med årene og hittil i år ved siden av."
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
        if target.kind == "month":
            # The annual periods beside the months: every earlier year in the range, then the
            # last month's year to date and year.
            years = sorted({p.start.year for p in periods} - {target.start.year})
            periods += [Period.year(y) for y in years] + annual_periods(target)
        for p in periods:
            result = services.snapshots_compute(period=p, disclosure=False)
            self.stdout.write(f"{p}: {result.created} verdier")
        # The disclosure pattern once per year, after all its months and annual periods.
        changed = services.snapshots_disclosure_store(years={p.start.year for p in periods})
        self.stdout.write(f"personvernkontroll: {changed} verdier oppdatert")
