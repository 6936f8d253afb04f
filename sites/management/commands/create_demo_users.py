from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sites.roles import roles_sync
from sites.services import demo_users_ensure


class Command(BaseCommand):
    help = (
        "Oppretter demobrukere (nasjonal administrator, NorTrials og én koordinator per region), "
        "hver i sin rollegruppe. Kun med DJANGO_DEBUG."
    )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Demobrukere med kjente passord opprettes bare når DJANGO_DEBUG=1.")
        roles_sync()
        self.stdout.write("Demobrukere (brukernavn / passord):")
        for username, password, role in demo_users_ensure():
            self.stdout.write(f"  {username:<22} {password:<22} {role}")
