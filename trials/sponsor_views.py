"""The sponsor's outcome page, reached by the tokenised link in the compiled answer (no login).

The sponsor ticks the sites selected (none means Norway was not selected) and rates the process.
"""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .models import FeasibilityRequest, FeasibilityResponse
from .services.feasibility import feasibility_outcome_report


class OutcomeForm(forms.Form):
    selected = forms.MultipleChoiceField(
        label="Sites selected", required=False, widget=forms.CheckboxSelectMultiple
    )
    satisfaction = forms.TypedChoiceField(
        label="How satisfied are you with the feasibility process? (1 = poor, 5 = excellent)",
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Please rate the process from 1 to 5."},
    )
    comment = forms.CharField(label="Comment (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args, responses: list[FeasibilityResponse], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["selected"]).choices = [
            (str(r.organisation_id), _label(r)) for r in responses
        ]


ANSWER_EN: dict[str, str] = {
    FeasibilityResponse.Answer.YES: "yes",
    FeasibilityResponse.Answer.MAYBE: "maybe",
}


def _label(response: FeasibilityResponse) -> str:
    """The page is in English for international sponsors: the answer and the patient base."""
    answer = ANSWER_EN.get(response.answer, response.answer)
    if response.eligible_patients_per_year is None:
        return f"{response.organisation.name} ({answer})"
    return (
        f"{response.organisation.name} ({answer}, "
        f"{response.eligible_patients_per_year} eligible patients a year)"
    )


@never_cache
@require_http_methods(["GET", "POST"])
def feasibility_outcome(request: HttpRequest, token: str) -> HttpResponse:
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
        "trials/feasibility_outcome.html",
        {"feasibility": feasibility, "form": form, "done": done},
        status=400 if form is not None and form.errors else 200,
    )
