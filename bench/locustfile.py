"""Load scenario: the public study API at national scale (see bench/load_test.sh).

Anonymous readers list, filter, page through and open studies, as the study finder and
integrating sites do. Any non-2xx answer counts as a failure.
"""

import random

from locust import HttpUser, between, task

REGIONS = ["helse-sor-ost", "helse-vest", "helse-midt-norge", "helse-nord"]


class PublicReader(HttpUser):
    wait_time = between(0.05, 0.2)

    def on_start(self):
        page = self.client.get("/api/v1/studies/?page_size=100", name="/api/v1/studies/ (ids)")
        self.ids = [s["id"] for s in page.json()["results"]] or [None]

    @task(4)
    def list_open_studies(self):
        self.client.get("/api/v1/studies/?open=true", name="/api/v1/studies/?open")

    @task(3)
    def list_by_region(self):
        region = random.choice(REGIONS)
        self.client.get(
            f"/api/v1/studies/?region={region}&page_size=50", name="/api/v1/studies/?region"
        )

    @task(2)
    def page_deep(self):
        self.client.get(
            f"/api/v1/studies/?page={random.randint(1, 40)}", name="/api/v1/studies/?page"
        )

    @task(4)
    def open_a_study(self):
        public_id = random.choice(self.ids)
        if public_id:
            self.client.get(f"/api/v1/studies/{public_id}/", name="/api/v1/studies/{id}/")

    @task(1)
    def readiness(self):
        self.client.get("/readyz", name="/readyz")
