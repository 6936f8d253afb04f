from django.core.management.base import BaseCommand

from trials.demo import DEMO_STUDY_COUNT, demo_portfolio_load
from trials.industry.demo import industry_demo_load


class Command(BaseCommand):
    help = "Laster en syntetisk demoportefølje (kan kjøres flere ganger uten å lage duplikater)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, default=DEMO_STUDY_COUNT)

    def handle(self, *args, count: int, **options) -> None:
        result = demo_portfolio_load(count=count)
        self.stdout.write(
            f"Demoportefølje: {result.studies_created} nye studier, {result.studies_existing} fantes fra før, "
            f"{result.organisations_created} nye kommunale/tannhelse-organisasjoner."
        )
        industry = industry_demo_load()
        self.stdout.write(
            f"Industrisamarbeid: {industry['requests']} mulighetsstudier, "
            f"{industry['agreements']} avtaler, {industry['profiles']} interesseprofiler, "
            f"{industry['capacity']} kapasitetsrader (bruker «nortrials»)."
        )
