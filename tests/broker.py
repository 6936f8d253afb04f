"""Redis down for one test: a throwaway broker the test stops and starts, and a way to run what
reached it. Used by every app's "nothing is lost when Redis is down" test."""

import base64
import json

import redis
from celery import current_app

from tests.sites.operations.conftest import ThrowawayRedis, celery_broker, free_port

__all__ = ["ThrowawayRedis", "celery_broker", "free_port", "queued_messages", "run_queued"]


def queued_messages(url: str) -> list[dict]:
    """Take every message off the default queue, oldest first: ``{"task", "args", "kwargs", "raw"}``."""
    client = redis.Redis.from_url(url)
    messages = []
    while (raw := client.rpop("celery")) is not None:
        envelope = json.loads(raw)
        args, kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
        messages.append(
            {"task": envelope["headers"]["task"], "args": args, "kwargs": kwargs, "raw": raw}
        )
    return messages


def run_queued(messages: list[dict]) -> list:
    """Run the messages in-process as a worker would (same task, same arguments)."""
    current_app.loader.import_default_modules()
    return [
        current_app.tasks[m["task"]].apply(args=m["args"], kwargs=m["kwargs"]).get()
        for m in messages
    ]
