"""Redis down: the site, the API and the admin keep working, and no queued work is lost."""

import pytest
import redis

from sites.models import PendingTask
from sites.operations.services import pending_tasks_flush, task_enqueue

from .conftest import celery_broker

pytestmark = pytest.mark.django_db


def _queued(url: str) -> int:
    return redis.Redis.from_url(url).llen("celery")


def test_without_redis_everything_answers_and_work_is_kept_then_sent_when_it_returns(
    client,
    settings,
    reference_data,
    throwaway_redis,
    django_user_model,
    django_capture_on_commit_callbacks,
):
    settings.CACHES = {
        "default": {
            "BACKEND": "sites.operations.cache.TolerantRedisCache",
            "LOCATION": throwaway_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    admin = django_user_model.objects.create_superuser("sjef", password="pw-for-tests-only-1")
    with celery_broker(throwaway_redis.url):
        with django_capture_on_commit_callbacks(execute=True):
            task_enqueue(task_name="trials.tasks.close_expired_recruitment")
        assert _queued(throwaway_redis.url) == 1
        assert client.get("/readyz").json()["checks"]["broker"] == "ok"

        throwaway_redis.stop()

        assert client.get("/api/v1/studies/?page_size=5").status_code == 200
        client.force_login(admin)
        assert client.get("/admin/trials/study/").status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            task_enqueue(task_name="trials.tasks.close_expired_recruitment", kwargs={})
        assert PendingTask.objects.count() == 1
        ready = client.get("/readyz")
        assert ready.status_code == 200  # the web process still serves: stay in the pool
        assert ready.json()["status"] == "degraded"
        assert ready.json()["checks"]["broker"] == "unreachable"
        assert ready.json()["checks"]["pending_tasks"] == 1
        assert pending_tasks_flush() == 0  # still down: kept, attempt counted
        assert PendingTask.objects.get().attempts == 2

        throwaway_redis.start()  # an empty Redis, as after a crash without persistence

        assert pending_tasks_flush() == 1
        assert PendingTask.objects.count() == 0
        assert _queued(throwaway_redis.url) == 1
        assert client.get("/readyz").json()["status"] == "ok"
