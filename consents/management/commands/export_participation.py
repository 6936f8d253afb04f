from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from consents.services.export import participation_export, previous_period


class Command(BaseCommand):
    help = (
        "Eksporter deltakelse (inklusjoner) til Norsk pasientregister for én måned, per "
        "organisasjon, som batcher. En ny kjøring erstatter batchene som er endret og fjerner "
        "filene den ikke lenger lager."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="Måned, f.eks. 2026-10 (standard: forrige måned)")
        parser.add_argument("--directory", help="Katalog (standard: PARTICIPATION_EXPORT_DIR)")

    def handle(self, *args, period=None, directory=None, **options):
        period = period or previous_period(timezone.localdate())
        try:
            result = participation_export(period=period, directory=directory)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        batch_of = {batch.file_name: batch for batch in result.batches}
        for path, checksum in sorted(result.files.items()):
            batch = batch_of.get(Path(path).name)
            self.stdout.write(f"{checksum}  {path}  batch {batch.batch_id if batch else '-'}")
        for path in result.removed:
            self.stdout.write(f"fjernet / removed  {path}")
        self.stdout.write(
            f"{result.rows} rader i {len(result.files)} filer for {period}: "
            f"{len(result.new_batches)} nye batcher, {len(result.superseded)} erstattet, "
            f"{len(result.removed)} filer fjernet."
        )
