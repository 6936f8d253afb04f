"""The capacity form: PhDs per health profession and patients per HRCS health category as small
tables of numbers (one row each), stored as the JSON objects the indicators and the capability
profile read."""

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.db import models
from django.utils import translation
from django.utils.text import capfirst

from sites.form_fields import CountsField
from sites.models import OrganisationCapacity, Profession
from trials.models import HealthCategory

TABLES = ("phd_by_profession", "patients_by_hrcs")


def hrcs_rows() -> list[tuple[str, str]]:
    """The HRCS health categories as table rows: code and name ("02 Kreft"), in English for an
    English page."""
    english = translation.get_language() == "en"
    return [
        (c.code, f"{c.code} {c.label_en if english else c.label_nb}")
        for c in HealthCategory.objects.order_by("code")
    ]


class OrganisationCapacityForm(forms.ModelForm):
    class Meta:
        model = OrganisationCapacity
        fields = "__all__"  # noqa: DJ007 - the admin narrows this to its fields

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows: dict[str, Sequence[tuple[str, Any]]] = {
            "phd_by_profession": Profession.choices,
            "patients_by_hrcs": hrcs_rows(),
        }
        for name in TABLES:
            if name not in self.fields:
                continue
            model_field = cast(models.Field, OrganisationCapacity._meta.get_field(name))
            table = CountsField(
                rows=rows[name],
                label=capfirst(model_field.verbose_name),
                help_text=model_field.help_text,
            )
            table.show_stored(getattr(self.instance, name))
            self.fields[name] = table
