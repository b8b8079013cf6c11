"""The admin site: Django's, hardened against parameters Django mishandles.

Every model admin registered here (ours, taggit's, Django's own user admin)
is registered as a subclass with ``SafeParametersMixin``, found by the hostile
crawl (tests/security/test_hostile_crawl.py):

- an empty ``_to_field`` (a popup's "which field links here") made the change
  view look up a field named "" and fail with a 500; it now means the primary
  key, as no ``_to_field`` does;
- an add page's ``?field=`` naming no row of an autocomplete field
  (``?company=%``) made the autocomplete widget fail with a 500; it is now
  dropped, as Django drops other initial values it cannot use.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import ValidationError


class SafeParametersMixin:
    def get_object(self, request, object_id, from_field=None):
        return super().get_object(request, object_id, from_field or None)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name in self.get_autocomplete_fields(request):
            if name not in initial:
                continue
            value = initial[name]
            related = self.model._meta.get_field(name).related_model
            try:
                for item in value if isinstance(value, list) else [value]:
                    related._meta.pk.to_python(item)
            except (ValidationError, ValueError, TypeError):
                del initial[name]
        return initial


class NewsroomAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SafeParametersMixin):
            admin_class = type(
                admin_class.__name__,
                (SafeParametersMixin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin_site.NewsroomAdminSite"
