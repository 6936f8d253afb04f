"""The sponsor's outcome page, reached by the tokenised link in the compiled answer (no login).

The sponsor ticks the sites selected (none means Norway was not selected) and rates the process.
The page is in the public site's design, in English (international sponsors) or Bokmål, chosen
with ``?lang=`` like the study finder.
"""

from typing import TYPE_CHECKING, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from trials.web.views import DATE_FORMATS, LANGUAGES, _language, _language_links

from .models import FeasibilityRequest, FeasibilityResponse
from .services.feasibility import feasibility_outcome_report

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# English first: most sponsors asking are international.
SPONSOR_LANGUAGES = {code: LANGUAGES[code] for code in ("en", "nb")}


class OutcomeForm(forms.Form):
    selected = forms.MultipleChoiceField(
        label=_("Valgte sentre"), required=False, widget=forms.CheckboxSelectMultiple
    )
    satisfaction = forms.TypedChoiceField(
        label=_(
            "Hvor fornøyd er dere med prosessen for mulighetsstudien? (1 = dårlig, 5 = svært godt)"
        ),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vurder prosessen fra 1 til 5.")},
    )
    comment = forms.CharField(
        label=_("Kommentar (valgfritt)"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args, responses: list[FeasibilityResponse], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["selected"]).choices = [
            (str(r.organisation_id), _label(r)) for r in responses
        ]

    def full_clean(self) -> None:
        """A field in error points its inputs at the message (``<auto_id>-error`` in the page)."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"


ANSWER_WORDS: dict[str, "StrPromise"] = {
    FeasibilityResponse.Answer.YES: _("ja"),
    FeasibilityResponse.Answer.MAYBE: _("kanskje"),
}


def _label(response: FeasibilityResponse) -> str:
    """The site, its answer and its patient base, in the page's language."""
    answer = ANSWER_WORDS.get(response.answer, response.answer)
    patients = response.eligible_patients_per_year
    if patients is None:
        return f"{response.organisation.name} ({answer})"
    return ngettext(
        "%(name)s (%(answer)s, %(count)s aktuell pasient per år)",
        "%(name)s (%(answer)s, %(count)s aktuelle pasienter per år)",
        patients,
    ) % {"name": response.organisation.name, "answer": answer, "count": patients}


@never_cache
@require_http_methods(["GET", "POST"])
def feasibility_outcome(request: HttpRequest, token: str) -> HttpResponse:
    lang = _language(request, SPONSOR_LANGUAGES, default="en")
    with translation.override(lang):
        return _outcome_page(request, token, lang)


def _outcome_page(request: HttpRequest, token: str, lang: str) -> HttpResponse:
    feasibility = (
        FeasibilityRequest.objects.select_related("sponsor").filter(outcome_token=token).first()
    )
    if feasibility is None or feasibility.status not in (
        FeasibilityRequest.Status.COMPILED,
        FeasibilityRequest.Status.CLOSED,
    ):
        raise Http404
    responses = list(
        feasibility.responses.select_related("organisation")
        .filter(answer__in=[FeasibilityResponse.Answer.YES, FeasibilityResponse.Answer.MAYBE])
        .order_by("organisation__name")
    )
    done = feasibility.status == FeasibilityRequest.Status.CLOSED
    form = None
    if not done:
        form = OutcomeForm(request.POST or None, responses=responses)
        if request.method == "POST" and form.is_valid():
            try:
                feasibility_outcome_report(
                    request=feasibility,
                    selected_organisation_ids=[int(v) for v in form.cleaned_data["selected"]],
                    satisfaction=form.cleaned_data["satisfaction"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                feasibility.refresh_from_db()
                done = True
    return render(
        request,
        "industry/feasibility_outcome.html",
        {
            "feasibility": feasibility,
            "form": form,
            "done": done,
            "lang": lang,
            "date_format": DATE_FORMATS[lang],
            "language_links": _language_links(request, lang, SPONSOR_LANGUAGES),
        },
        status=400 if form is not None and form.errors else 200,
    )
