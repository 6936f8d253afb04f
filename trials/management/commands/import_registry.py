"""manage.py import_registry PATH… — import registry files of any supported format (idempotent)."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sites.models import Organisation
from trials.services.imports import import_paths
from trials.services.imports.formats import SUPPORTED


class Command(BaseCommand):
    help = (
        "Importerer studier fra registerfiler (filer eller mapper). Formatet gjenkjennes av "
        f"innholdet: {SUPPORTED}. Trygt å kjøre flere ganger."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--default-organisation",
            metavar="ORGNR",
            help="Ansvarlig organisasjon for studier uten norsk sponsor eller norsk studiested.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Ingen fremdriftslinje.")

    def _default(self, orgnr: str | None) -> Organisation | None:
        if not orgnr:
            return None
        default = Organisation.objects.filter(orgnr=orgnr).first()
        if default is None:
            raise CommandError(f"Fant ingen organisasjon med nummer {orgnr}.")
        return default

    def handle(self, *args, paths: list[Path], **options) -> None:
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"Finner ikke: {', '.join(missing)}")
        default = self._default(options["default_organisation"])
        show = not options["no_progress"] and sys.stdout.isatty()

        def progress(done: int, total: int) -> None:
            if show and total >= 20 and (done == total or done % 10 == 0):
                filled = int(30 * done / total)
                self.stdout.write(
                    f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}", ending=""
                )
                if done == total:
                    self.stdout.write("")

        started = time.monotonic()
        report = import_paths(paths=paths, default_organisation=default, progress=progress)
        seconds = time.monotonic() - started
        self.stdout.write(f"{report.records} poster lest på {seconds:.1f} s.")
        for line in report.lines():
            self.stdout.write(line)
