"""Load scenario: the public study finder and the public study API at national scale
(see bench/load_test.sh).

Anonymous people search the study finder (server-rendered HTML: the front page, searches with
filters, paging, a study page) and integrating sites list, filter, page through and open studies
over the API. Any non-2xx answer counts as a failure.
"""

import random

from locust import HttpUser, between, task

REGIONS = ["helse-sor-ost", "helse-vest", "helse-midt-norge", "helse-nord"]
WORDS = ["kreft", "hjerte", "diabetes", "astma", "slag", "demens", "barn", "smerte"]
MUNICIPALITIES = ["0301", "4601", "5001", "5501", "1103", "3907"]  # Oslo, Bergen, Trondheim, …


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

    # The study finder (people in a browser): about half of all requests.
    @task(4)
    def finder_front_page(self):
        self.client.get("/", name="finder /")

    @task(4)
    def finder_search(self):
        params = {"q": random.choice(WORDS), "open": "on", "region": random.choice(REGIONS)}
        if random.random() < 0.5:
            params["age"] = str(random.randint(18, 80))
        self.client.get("/", params=params, name="finder /?q&open&region")

    @task(2)
    def finder_near_me(self):
        params = {"municipality": random.choice(MUNICIPALITIES), "radius_km": "50", "open": "on"}
        self.client.get("/", params=params, name="finder /?municipality")

    @task(1)
    def finder_next_page(self):
        self.client.get(f"/?page={random.randint(2, 10)}", name="finder /?page")

    @task(4)
    def finder_study_page(self):
        public_id = random.choice(self.ids)
        if public_id:
            self.client.get(f"/studier/{public_id}/", name="finder /studier/{id}/")

    @task(1)
    def readiness(self):
        self.client.get("/readyz", name="/readyz")
