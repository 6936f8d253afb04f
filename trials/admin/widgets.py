"""Admin widgets and paginators that keep the number of queries constant on big pages."""

from typing import Any

from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.paginator import Page
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from sites.pagination import BoundedCountPaginator


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
            options.append(self.create_option(name, key, self.labels[key], True, len(options)))
        return [(None, options, 0)]


class ChangeListPaginator(BoundedCountPaginator):
    """The bounded count for an admin change list: ``count`` is the raw count, one past the limit
    when more rows exist, which is how Django's change list knows there is more than a page."""

    @cached_property
    def count(self) -> int:
        return self.raw_count


class CappedCountPaginator(ChangeListPaginator):
    """Counts at most 10 000 rows, so a list over 100 000 studies never runs a full COUNT."""

    count_limit = 10_000


class LookaheadPaginator(ChangeListPaginator):
    """No COUNT at all: the page query fetches one row more than a page to know if more follow.

    For scoped lists (a coordinator's region): the scope is an ``OR EXISTS`` over study sites, and
    any COUNT over it makes PostgreSQL hash every site of the region first, whatever the LIMIT;
    the page itself is an index walk that stops after ``per_page`` + 1 rows. The limit of the
    count is the end of this page: ``count`` is exact when this page is the last one, otherwise a
    lower bound (``count_exact`` is False) and the list offers the next page.
    """

    more_than = _("flere enn %(n)s")

    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        *,
        page: int | str = 1,
    ) -> None:
        super().__init__(object_list, per_page, 0, allow_empty_first_page)
        self.page_number = max(int(page), 1)
        self.count_limit = self.page_number * self.per_page

    @cached_property
    def window(self) -> list[Any]:
        offset = (self.page_number - 1) * self.per_page
        return list(self.object_list[offset : offset + self.per_page + 1])

    @cached_property
    def raw_count(self) -> int:
        return (self.page_number - 1) * self.per_page + len(self.window)

    def page(self, number: int | str) -> Page[Any]:
        number = self.validate_number(number)
        if number == self.page_number:
            return Page(self.window[: self.per_page], number, self)
        return super().page(number)


class CountLabelChangeList(ChangeList):
    """A change list that says what its paginator knows: "over 10 000", "flere enn 50", or n.

    On a lower bound «Vis alle» fetches at most ``list_max_show_all`` + 1 rows, never every row
    the bound stands for.
    """

    def get_results(self, request):
        super().get_results(request)
        paginator = self.paginator
        self.result_count_label = paginator.count_label
        self.result_count_exact = paginator.count_exact
        if not isinstance(paginator, LookaheadPaginator):
            return
        if not paginator.count_exact and self.show_all:
            self._show_all_bounded()
        elif not paginator.count_exact:
            self.can_show_all = True  # «Vis alle» is bounded: see _show_all_bounded
            self.result_list = paginator.page(self.page_num).object_list
        elif not self.multi_page:
            # The rows are already fetched; the plain change list would query them again.
            self.result_list = paginator.window

    def _show_all_bounded(self) -> None:
        """«Vis alle» on a list whose size is unknown: every row if there are at most
        ``list_max_show_all``, found by fetching one row more; otherwise the first page."""
        limit = self.list_max_show_all
        rows = list(self.queryset[: limit + 1])
        if len(rows) > limit:
            self.can_show_all = self.show_all = False
            self.result_list = self.paginator.page(self.page_num).object_list
            return
        self.result_list = rows
        self.result_count = self.full_result_count = len(rows)
        self.result_count_label = str(len(rows))
        self.result_count_exact = True
        self.can_show_all, self.multi_page = True, False
