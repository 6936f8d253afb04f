"""Filtering of public lists: only the filters a request names are built and applied."""

from typing import Any

import django_filters
from django_filters.rest_framework import DjangoFilterBackend


class PublicFilterBackend(DjangoFilterBackend):
    """django-filter, without building and validating a form of every filter when the request
    names none of them (a harvester's cursor walk, the first page): the queryset is returned as
    the view ordered it, which is what an empty filter gives."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and request.query_params.keys().isdisjoint(
            filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


class NamedFiltersFilterSet(django_filters.FilterSet):
    """A FilterSet that copies, validates and applies only the filters the request names.

    django-filter deep-copies every filter and every form field for each request, and builds the
    form class anew; with eighteen filters that is more work than a request naming two of them
    needs. Filters the request does not name would do nothing anyway (an absent value filters
    nothing), so leaving them out changes no result. For filters read from one parameter each.
    """

    base_filters: dict[str, Any]  # set by the FilterSet metaclass
    _form_classes: dict[tuple[str, ...], type]
    FORM_CLASSES_KEPT = 256  # combinations of named filters, per filterset class

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if data is not None and prefix is None:
            # Read by BaseFilterSet.__init__ as the filters to copy.
            self.base_filters = {
                name: filter_ for name, filter_ in type(self).base_filters.items() if name in data
            }
        super().__init__(data, queryset, request=request, prefix=prefix)

    def get_form_class(self):
        # No form field depends on the request, so one class per combination of named filters.
        cls = type(self)
        if "_form_classes" not in cls.__dict__:
            cls._form_classes = {}
        key = tuple(self.filters)
        form_class = cls._form_classes.get(key)
        if form_class is None:
            form_class = super().get_form_class()
            if len(cls._form_classes) < self.FORM_CLASSES_KEPT:
                cls._form_classes[key] = form_class
        return form_class
