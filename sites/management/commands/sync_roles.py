from django.core.management.base import BaseCommand

from sites.roles import roles_sync


class Command(BaseCommand):
    help = (
        "Gir rollegruppene nøyaktig de tillatelsene som står i sites/roles.py "
        "(kjøres etter hver migrate; en ny kjøring endrer ingenting)."
    )

    def handle(self, *args, **options) -> None:
        result = roles_sync()
        for name in result.created:
            self.stdout.write(f"Opprettet gruppen «{name}».")
        for name, labels in result.added.items():
            self.stdout.write(f"«{name}»: {len(labels)} tillatelser lagt til: {', '.join(labels)}")
        for name, labels in result.removed.items():
            self.stdout.write(f"«{name}»: {len(labels)} tillatelser fjernet: {', '.join(labels)}")
        if not result.changed:
            self.stdout.write("Rollegruppene var allerede i samsvar med sites/roles.py.")
