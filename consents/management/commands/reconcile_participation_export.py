from django.core.management.base import BaseCommand, CommandError

from consents.services.export import participation_export_reconcile


class Command(BaseCommand):
    help = (
        "Avstem NPR-eksporten for én måned: regn ut på nytt hva eksporten ville inneholdt nå og "
        "sammenlign med de lagrede batchene og filene på disk. Avslutter med kode 1 ved avvik. / "
        "Reconcile the NPR export of one month against its batches and the files on disk; exit "
        "code 1 on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="Måned / month, f.eks. 2026-10")
        parser.add_argument("--directory", help="Katalog (standard: PARTICIPATION_EXPORT_DIR)")

    def handle(self, *args, period, directory=None, **options):
        try:
            report = participation_export_reconcile(period=period, directory=directory)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                f"{len(report.differences)} avvik i NPR-eksporten for {period} / "
                f"differences in the NPR export for {period}.",
                returncode=1,
            )
