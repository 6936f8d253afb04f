"""The sponsor's outcome page, and the admin addresses these models had inside ``trials``.

Links in e-mails sent before industry collaboration became an app of its own point at
``/admin/trials/<model>/…``; they are sent on to the same page under ``/admin/industry/``.
"""

from django.urls import path, re_path
from django.views.generic import RedirectView

from .views import feasibility_outcome

MOVED_ADMIN_MODELS = (
    "agreement",
    "milestone",
    "feasibilityrequest",
    "feasibilityresponse",
    "feasibilityinterestprofile",
    "sponsorcontact",
)

urlpatterns = [
    path("feasibility/outcome/<str:token>/", feasibility_outcome, name="feasibility-outcome"),
    re_path(
        rf"^admin/trials/(?P<rest>(?:{'|'.join(MOVED_ADMIN_MODELS)})/.*)$",
        RedirectView.as_view(url="/admin/industry/%(rest)s", permanent=True, query_string=True),
    ),
]
