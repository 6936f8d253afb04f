import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What the project loads lives as long as the process: keep it out of the cyclic collector, so a
# full collection scans only request garbage (unfrozen, these pauses were ~100 ms tail latencies).
gc.freeze()

from sites.operations.checks import refuse_unsafe_production  # noqa: E402  (needs the app registry)

refuse_unsafe_production()
