"""Admin widgets and paginators that keep the number of queries constant on big pages."""

from django.contrib.admin.widgets import AutocompleteSelect
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class LabelledAutocompleteSelect(AutocompleteSelect):
    """An autocomplete whose selected labels are given up front (``labels``), not queried per row.

    An inline with N rows would otherwise run N queries just to print the chosen organisation.
    """

    labels: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.labels is None or not selected <= self.labels.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for key in sorted(selected):
            options.append(self.create_option(name, key, self.labels[key], selected, len(options)))
        return [(None, options, 0)]


class CappedCountPaginator(Paginator):
    """Counts at most ``cap`` + 1 rows, so a list over 100 000 studies never runs a full COUNT."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def count_label(self) -> str:
        return _("over %(cap)s") % {"cap": self.cap} if self.count > self.cap else str(self.count)
