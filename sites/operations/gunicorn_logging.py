"""gunicorn's access and error logs without query strings or identity numbers.

``gunicorn.conf.py`` (read from the working directory) names ``ScrubbingLogger`` as gunicorn's
``logger_class``. Every value an access-log format can name (the request line ``%(r)s``, the
query ``%(q)s``, the referrer ``%(f)s``, headers ``{…}i`` and environment ``{…}e``) is scrubbed
before it is written, and both loggers carry the ScrubFilter for whatever else they log. Imported by
gunicorn before Django starts: no Django here.
"""

from gunicorn.glogging import Logger

from .log_scrub import REMOVED, ScrubFilter, handler_scrub, scrub_text

# The query string on its own, without the "?" that scrub_text looks for.
_QUERY_ATOMS = ("q", "{query_string}e")


class ScrubbingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, ScrubFilter) for f in log.filters):
                log.addFilter(ScrubFilter())
            for handler in log.handlers:
                handler_scrub(handler)

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = scrub_text(value)
        for key in _QUERY_ATOMS:
            if atoms.get(key):
                atoms[key] = REMOVED
        return atoms
