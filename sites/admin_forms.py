"""Admin forms and change views that let a service decide: its refusals appear where they belong.

Services own the rules and raise ``ValidationError`` (keyed by field where a field is to blame).
A form calls the service's check in ``clean``/``_post_clean`` and shows the refusal with
``add_service_errors``. A save that a service still refuses (someone else changed the row in the
meantime) is raised as ``ServiceRefusal`` and shown as a message on the page by the scoped admin
base (``sites.scoped_admin.ScopedAdmin.changeform_view``), never as a server error.
"""

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """A service's refusal on a form: on the fields it names that the form shows, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ServiceRefusal(Exception):
    """Raised from ``save_model``/``save_related`` when a service refuses at save time."""

    def __init__(self, error: ValidationError):
        super().__init__(" ".join(error.messages))
        self.error = error
