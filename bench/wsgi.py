"""The web application for the load test (bench/load_test.sh): production settings, bench secrets.

config/wsgi.py refuses to start on any secret written in the repository or marked ``bench``; the
load test runs exactly such throwaway keys against a throwaway database on loopback, so it starts
the same application without that refusal. Production runs config.wsgi, never this.
"""

import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
settings.ROOT_URLCONF = "bench.urls"  # the project's URLs plus the benchmark's own (bench/ping)
gc.freeze()  # as config/wsgi.py does
