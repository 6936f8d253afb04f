from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sites.services import reference_data_load_sites
from trials.services import hrcs_load


class Command(BaseCommand):
    help = "Laster referansedata (regioner, helseforetak, kommuner, HRCS). Kan kjøres flere ganger."

    def handle(self, *args, **options) -> None:
        try:
            result = reference_data_load_sites()
            hrcs_load(result=result)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if not result.created and not result.updated:
            self.stdout.write("Referansedata er allerede oppdatert.")
        for label, count in sorted(result.created.items()):
            self.stdout.write(f"Opprettet {count} {label}.")
        for label, count in sorted(result.updated.items()):
            self.stdout.write(f"Oppdaterte {count} {label}.")
