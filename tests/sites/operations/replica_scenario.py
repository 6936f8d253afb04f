"""Run by test_read_replica.py, with DATABASE_URL on a throwaway primary and DATABASE_REPLICA_URL
on its streaming replica (not collected on its own: the name does not start with ``test_``)."""

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.urls import reverse

from tests.factories import StudySiteFactory, hf
from tests.sites.operations.pg_cluster import replica_catch_up, replica_replay
from trials.models import Study
from trials.services.studies import study_update

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def _url(alias: str) -> str:
    s = connections[alias].settings_dict
    return f"postgres://postgres@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def test_public_reads_come_from_the_replica_and_a_coordinator_sees_their_save(
    coordinator_vest, reference_data
):
    cache.clear()
    study = StudySiteFactory(
        study__lay_title_nb="Trening etter hjerteinfarkt",
        study__responsible_organisation=hf("Bergen"),
    ).study
    primary, replica = _url("default"), _url("replica")
    assert primary != replica
    replica_catch_up(primary_url=primary, replica_url=replica)
    replica_replay(replica_url=replica, paused=True)
    anonymous = Client()
    api = f"/api/v1/studies/{study.public_id}/"
    finder = f"/studier/{study.public_id}/"
    try:
        study.lay_title_nb = "Trening og kosthold etter hjerteinfarkt"
        study_update(
            study=study,
            user=coordinator_vest,
            expected_version=study.version,
            loaded_status=study.status,
            reason="Ny tittel",
        )
        # The public is served by the replica, which has not replayed the change yet.
        assert anonymous.get(api).json()["lay_title"] == "Trening etter hjerteinfarkt"
        assert "Trening etter hjerteinfarkt" in anonymous.get(finder).content.decode()
        assert anonymous.get("/api/v1/statistics/").status_code == 200
        # The coordinator who saved sees the change at once: on the public pages and in the admin.
        coordinator = Client()
        coordinator.force_login(coordinator_vest)
        assert coordinator.get(api).json()["lay_title"] == "Trening og kosthold etter hjerteinfarkt"
        assert "Trening og kosthold" in coordinator.get(finder).content.decode()
        change = coordinator.get(reverse("admin:trials_study_change", args=[study.pk]))
        assert "Trening og kosthold etter hjerteinfarkt" in change.content.decode()
        # Tasks and commands (no request) read the primary.
        assert Study.objects.get(pk=study.pk).lay_title_nb.startswith("Trening og kosthold")
    finally:
        replica_replay(replica_url=replica, paused=False)
    replica_catch_up(primary_url=primary, replica_url=replica)
    assert anonymous.get(api).json()["lay_title"] == "Trening og kosthold etter hjerteinfarkt"
