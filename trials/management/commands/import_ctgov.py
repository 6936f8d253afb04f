"""manage.py import_ctgov PATH… — import ClinicalTrials.gov API v2 JSON files (idempotent)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sites.models import Organisation
from trials.services.ctgov import ctgov_import, ctgov_read


class Command(BaseCommand):
    help = (
        "Importerer studier fra ClinicalTrials.gov (API v2 JSON: én studie, en API-side eller "
        "ctg-studies.json). Trygt å kjøre flere ganger."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--default-organisation",
            metavar="ORGNR",
            help="Ansvarlig organisasjon for studier uten norsk sponsor eller norsk studiested.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Ingen fremdriftslinje.")

    def handle(self, *args, paths: list[Path], **options) -> None:
        default = None
        if options["default_organisation"]:
            default = Organisation.objects.filter(orgnr=options["default_organisation"]).first()
            if default is None:
                raise CommandError(
                    f"Fant ingen organisasjon med nummer {options['default_organisation']}."
                )
        records = []
        for path in paths:
            try:
                records.extend(ctgov_read(path))
            except (OSError, ValueError) as exc:
                raise CommandError(f"{path}: {exc}") from exc
        total = len(records)
        show = not options["no_progress"] and total >= 20 and sys.stdout.isatty()

        def progress(done: int) -> None:
            if show and (done == total or done % 10 == 0):
                filled = int(30 * done / total)
                self.stdout.write(
                    f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}", ending=""
                )
                if done == total:
                    self.stdout.write("")

        report = ctgov_import(records=records, default_organisation=default, progress=progress)
        self.stdout.write(
            f"{total} poster lest: {report.created} nye, {report.updated} oppdatert, "
            f"{report.unchanged} uendret, {len(report.skipped)} hoppet over, "
            f"{len(report.errors)} med feil."
        )
        for nct, why in report.errors:
            self.stdout.write(self.style.ERROR(f"  Feil i {nct}: {why}"))
        for nct, why in report.skipped[:20]:
            self.stdout.write(f"  Hoppet over {nct}: {why}")
        if len(report.skipped) > 20:
            self.stdout.write(f"  … og {len(report.skipped) - 20} til hoppet over.")
        for nct, location in report.unmatched_locations:
            self.stdout.write(self.style.WARNING(f"  Ukjent norsk sted i {nct}: {location}"))
