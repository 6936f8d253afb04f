"""manage.py load_trial_reporting PATH — results reporting from the Nordic trial-reporting study."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trials.results.services import results_load_nordic


class Command(BaseCommand):
    help = (
        "Laster resultatrapportering fra Nordic trial-reporting-studien "
        "(analysis-2023-11-28.csv eller analysis-2023-11-28_NORWAY_only.csv). Trygt å kjøre flere "
        "ganger."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        try:
            result = results_load_nordic(path=path)
        except (OSError, UnicodeError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(
            f"Nye: {result.created}, endret: {result.updated}, uendret: {result.unchanged}, "
            f"koblet til studie: {result.linked}, feil: {len(result.errors)}"
        )
        for error in result.errors:
            self.stderr.write(error)
