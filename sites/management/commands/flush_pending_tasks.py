from django.core.management.base import BaseCommand

from sites.operations.services import pending_tasks_flush


class Command(BaseCommand):
    help = "Send tasks that were kept in the database while the Celery broker was unreachable."

    def handle(self, *args, **options):
        self.stdout.write(f"{pending_tasks_flush()} sent")
