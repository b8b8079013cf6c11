"""The admin site: Django's, refusing parameters Django itself mishandles.

Django's change view passes an empty ``_to_field`` (a popup's "which field
links here") to ``get_object``, which looks up a field named "" and fails with
a 500; a non-empty one is checked and refused with a 400. An empty one gets
the same 400 here, for every model admin, before any view runs.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import TO_FIELD_VAR
from django.core.exceptions import BadRequest, ValidationError


class NewsroomAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def refuse_empty_to_field(request, *args, **kwargs):
            if "" in (request.GET.get(TO_FIELD_VAR), request.POST.get(TO_FIELD_VAR)):
                raise BadRequest("An empty _to_field names no field.")
            return inner(request, *args, **kwargs)

        return refuse_empty_to_field


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin_site.NewsroomAdminSite"


class AutocompleteInitialMixin:
    """For a model admin with ``autocomplete_fields``: an add page's ``?field=``
    that names no row is dropped, not rendered (Django's autocomplete widget
    looks the value up as it is, and ``?company=%`` was a 500)."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name in self.autocomplete_fields:
            if name not in initial:
                continue
            value = initial[name]
            values = value if isinstance(value, list) else [value]
            to_python = self.model._meta.get_field(
                name
            ).related_model._meta.pk.to_python
            try:
                for item in values:
                    to_python(item)
            except (ValidationError, ValueError, TypeError):
                del initial[name]
        return initial
