from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators import services
from indicators.periods import Period, previous_month


class Command(BaseCommand):
    help = "Beregner indikatorene for en måned og sender månedsrapportene (hver mottaker én gang)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", help="Måned på formen ÅÅÅÅ-MM (standard: forrige måned)")
        parser.add_argument("--dry-run", action="store_true", help="Vis mottakere, send ingenting")

    def handle(self, *args, period=None, dry_run=False, **options) -> None:
        try:
            target = Period.parse(period) if period else previous_month()
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        if target.kind != "month":
            raise CommandError("Månedsrapporter gjelder en måned: bruk ÅÅÅÅ-MM.")
        if dry_run:
            result = services.reports_send_monthly(period=target, dry_run=True)
            self.stdout.write(
                f"Månedsrapport {target} (tørrkjøring) – {len(result.planned)} mottakere:"
            )
            for email, role, status in result.planned:
                self.stdout.write(f"  {email:<40} {role:<28} {status}")
            return
        computed = services.snapshots_compute(period=target)
        self.stdout.write(f"Beregnet {computed.created} indikatorverdier for {target}.")
        result = services.reports_send_monthly(period=target)
        self.stdout.write(
            f"Sendt {result.sent}, allerede sendt/under sending {result.skipped}, feilet {result.failed}."
        )
        if result.failed:
            raise CommandError(f"{result.failed} rapporter feilet; se Rapportutsendinger i admin.")
