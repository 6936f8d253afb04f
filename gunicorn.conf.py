"""gunicorn's settings for this app, read from the working directory (start gunicorn in the
repository root, or pass ``-c gunicorn.conf.py``). The command line in README sets the rest.

The access log (``--access-logfile``) and the error log leave out query strings and any 11-digit
number: see sites/operations/log_scrub.py.
"""

logger_class = "sites.operations.gunicorn_logging.ScrubbingLogger"
