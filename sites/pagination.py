"""The bounded count: paginators that count at most a limit of rows, so the first pages of a huge
list cost about as much as those of a small one. The admin lists, the study finder and the public
API all count this way; the public ones (given a ``count_stamp``) count each search once per public
change (``sites.operations.response_cache.public_count``)."""

import math
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _

from sites.api.caching import Stamp
from sites.operations.response_cache import public_count


class BoundedCountPaginator(Paginator):
    """Counts at most ``count_limit`` rows (more when a deeper page is asked for).

    ``raw_count`` is the number of rows up to one past the limit; ``count`` is exact when
    ``count_exact``, otherwise the limit, a lower bound; ``num_pages`` reaches one page past the
    limit when more rows exist, so a next page is offered. ``count_label`` says it in words.
    """

    count_limit = 500
    more_than: str | Promise = _("over %(n)s")

    def __init__(
        self,
        object_list: Any,
        per_page: int | str,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        *,
        wanted_page: int = 1,
        count_stamp: Stamp | None = None,
        count_search: str | None = None,
    ) -> None:
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.count_limit = max(self.count_limit, wanted_page * self.per_page)
        self.count_stamp = count_stamp
        self.count_search = count_search

    @cached_property
    def raw_count(self) -> int:
        object_list = self.object_list
        # A list that is not a queryset (the nearest-first walk) counts itself, boundedly.
        count_up_to = getattr(object_list, "count_up_to", None)
        if count_up_to is not None:
            return count_up_to(self.count_limit + 1)
        if isinstance(object_list, QuerySet) and self.count_stamp is not None:
            # A public search: counted once per search and public change, in the shared cache.
            return public_count(
                object_list,
                self.count_stamp,
                limit=self.count_limit + 1,
                search=self.count_search,
            )
        if isinstance(object_list, QuerySet):
            # Without ORDER BY the database may stop as soon as it has seen count_limit + 1 rows,
            # and selecting only the key leaves out per-row annotations (such as enrolment counts).
            return object_list.order_by().values("pk")[: self.count_limit + 1].count()
        return min(len(object_list), self.count_limit + 1)

    @cached_property
    def count(self) -> int:
        return min(self.raw_count, self.count_limit)

    @cached_property
    def num_pages(self) -> int:
        # From the raw count, so there is a next page when more rows exist than were counted.
        return max(1, math.ceil(self.raw_count / self.per_page))

    @property
    def count_exact(self) -> bool:
        return self.raw_count <= self.count_limit

    @property
    def count_label(self) -> str:
        if self.count_exact:
            return str(self.count)
        return str(self.more_than) % {"n": number_format(self.count_limit, force_grouping=True)}
