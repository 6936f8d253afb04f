"""Extract every translatable string of the four apps into their Nynorsk and English catalogues
(Bokmål is the source language), then compile them. ``make messages`` runs this."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

APPS = ("sites", "trials", "consents", "indicators")
LANGUAGES = ("nn", "en")
# Everything in the project tree that is not one of the apps (makemessages walks the whole tree).
IGNORE = ("tests", "bench", "config", "var", "node_modules", ".venv", "*/admin_templates/*")


class Command(BaseCommand):
    help = (
        "Oppdaterer oversettelsesfilene (nn, en) for alle tekster i appene og kompilerer dem. "
        "Nye tekster får tom oversettelse: fyll dem inn, og kjør kommandoen på nytt."
    )

    def handle(self, *args: object, **options: object) -> None:
        for app in APPS:  # strings of an app without its own locale/ would land in LOCALE_PATHS
            (Path(settings.BASE_DIR) / app / "locale").mkdir(exist_ok=True)
        call_command(
            "makemessages",
            locale=list(LANGUAGES),
            ignore_patterns=list(IGNORE),
            add_location="file",  # no line numbers: a moved line does not change the catalogue
            no_obsolete=True,
            verbosity=0,
        )
        call_command("compilemessages", ignore_patterns=list(IGNORE), verbosity=0)
