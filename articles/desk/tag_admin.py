"""The tag admin: taggit's, showing each person only the tags they may know of.

Writers hold taggit's view permission (the tag field's suggestions and the
article list's filter use it); what they see is ``workflow.tags_visible_to``:
the tags of their own and of live articles, never those only a colleague's
unpublished copy carries. Adding a tag here needs change permission too (an
editor's job), since "a tag of this name already exists" would tell a writer
what their colleagues are writing about. Tags are public content: a rename
or a merge shows on the next request of every page and in the search index
of every article carrying the tag (newsroom/public_content.py).
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from newsroom import public_content
from newsroom.public_admin import PublicContentAdmin

from .. import workflow

admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(PublicContentAdmin, TaggitTagAdmin):
    def get_queryset(self, request):
        return workflow.tags_visible_to(request.user)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self.has_change_permission(
            request
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            actions.pop("render_tag_form", None)  # taggit's "Merge selected tags"
        return actions

    def merge_tags_view(self, request):
        """taggit's merge, for those who may change tags (taggit asks only for
        a staff login): it moves the selected tags' links to one tag, and
        their articles are reindexed once it commits."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return super().merge_tags_view(request)
        selected = request.session.get("selected_tag_ids", "").split(",")
        tags = Tag.objects.filter(pk__in=[pk for pk in selected if pk.isdigit()])
        with transaction.atomic():
            public_content.changed(*tags)  # before: the links still lead to them
            return super().merge_tags_view(request)
