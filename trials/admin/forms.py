"""The study form: optimistic locking, the reason for a change, lifecycle and publishing rules."""

import copy
import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.models import BaseInlineFormSet, construct_instance
from django.utils.translation import gettext_lazy as _

from sites.locking import VersionedFormMixin

from ..models import Study, StudySite
from ..models.interventions import InterventionType, intervention_types_normalise
from ..services import study_publish_problems, study_reason_required, study_transition_problems

LANGUAGES = (("nb", _("bokmål")), ("nn", _("nynorsk")), ("en", _("engelsk")))


class InterventionTypesField(forms.MultipleChoiceField):
    """The study's intervention types as boxes to tick, from the fixed list ``InterventionType``;
    the cleaned value is the stored shape, a sorted list of values.

    A type stored under another spelling ("dietary supplement") shows ticked as its listed type.
    A stored type that is not in the list is shown ticked under its own name and refused until
    it is unticked, so it is never dropped without the coordinator seeing it.
    """

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {
        "invalid_choice": _(
            "«%(value)s» er ikke en kjent intervensjonstype. Velg blant typene i listen."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Intervensjonstyper"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Kryss av for alt studien prøver ut."))
        super().__init__(choices=InterventionType.choices, **kwargs)

    def show_stored(self, stored: Iterable[object] | None) -> None:
        """Adds the stored types that are not in the list as choices, to be seen and unticked."""
        unknown = [v for v in self.prepare_value(stored) if v not in InterventionType.values]
        self.choices = [
            *InterventionType.choices,
            *((v, _("%(value)s (ukjent type)") % {"value": v}) for v in unknown),
        ]

    def prepare_value(self, value: Any) -> list[str]:
        if isinstance(value, str):  # a JSON list, as an older form posted it
            try:
                value = json.loads(value)
            except ValueError:
                value = [value]
        if not isinstance(value, list | tuple):
            value = [] if value in (None, "") else [value]
        return intervention_types_normalise(value)

    def to_python(self, value: Any) -> list[str]:
        return intervention_types_normalise(super().to_python(value))

    def valid_value(self, value: Any) -> bool:
        return value in InterventionType.values

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.prepare_value(initial) != self.prepare_value(data)


class StudyAdminForm(VersionedFormMixin, forms.ModelForm):
    """Refuses a stale save (``VersionedFormMixin``), an unexplained change to an approved study and
    a status change or publication the rules do not allow."""

    mark_nb_reviewed = forms.BooleanField(label=_("Bokmål er gjennomgått"), required=False)
    mark_nn_reviewed = forms.BooleanField(label=_("Nynorsk er gjennomgått"), required=False)
    mark_en_reviewed = forms.BooleanField(label=_("Engelsk er gjennomgått"), required=False)
    change_reason = forms.CharField(
        label=_("Begrunnelse for endringen"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text=_(
            "Gjelder alt du endrer her, også studiestedene. Påkrevd når studien er godkjent "
            "eller senere. Vises i historikken."
        ),
    )

    intervention_types = InterventionTypesField()

    class Meta:
        model = Study
        fields = "__all__"  # noqa: DJ007 - the admin narrows this to its fieldsets

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        interventions = self.fields.get("intervention_types")
        if isinstance(interventions, InterventionTypesField):
            interventions.show_stored(self.instance.intervention_types)
        self.loaded_status = self.instance.status if self.instance.pk else None
        # The site inline reads this to check "open needs an open site" with the new site statuses.
        self.instance._loaded_status = self.loaded_status

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            if (
                study_reason_required(loaded_status=self.loaded_status)
                and not (cleaned.get("change_reason") or "").strip()
            ):
                self.add_error(
                    "change_reason",
                    _("Studien er godkjent: skriv kort hvorfor du endrer den."),
                )
        candidate = construct_instance(self, copy.copy(self.instance), self._meta.fields)
        if "status" in cleaned:
            problems = study_transition_problems(
                study=candidate,
                from_status=self.loaded_status or Study.Status.DRAFT,  # a new study starts a draft
                to_status=cleaned["status"],
                open_sites=None,
                reason=cleaned.get("change_reason") or "",
            )
            for problem in problems:
                self.add_error("status", problem)
        if cleaned.get("is_published"):
            for problem in study_publish_problems(study=candidate):
                self.add_error("is_published", problem)
        return cleaned


class StudySiteFormSet(BaseInlineFormSet):
    """Checks the rule that needs the new site statuses: a study opens only with an open site."""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        # A tabular inline shows labels only as column headings; name every input for screen
        # readers (the heading is not its label).
        for field in form.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))

    def clean(self) -> None:
        super().clean()
        study = self.instance
        loaded = getattr(study, "_loaded_status", None)
        if study.status != Study.Status.OPEN or loaded == Study.Status.OPEN:
            return
        open_sites = sum(
            1
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("status") == StudySite.Status.OPEN
        )
        # Open sites of other regions are not in this formset (they are read-only here).
        in_formset = [form.instance.pk for form in self.forms if form.instance.pk]
        open_sites += (
            StudySite.objects.filter(study=study, status=StudySite.Status.OPEN)
            .exclude(pk__in=in_formset)
            .count()
        )
        if not open_sites:
            raise forms.ValidationError(
                _(
                    "Kan ikke åpne for inklusjon uten minst ett åpent studiested. "
                    "Sett status «Åpen for inklusjon» på et studiested."
                )
            )
