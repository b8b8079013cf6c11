"""The tag admin: taggit's, showing each person only the tags they may know of.

Writers hold taggit's view permission (the tag field's suggestions and the
article list's filter use it); what they see is ``workflow.tags_visible_to``:
the tags of their own and of live articles, never those only a colleague's
unpublished copy carries. Adding a tag here needs change permission too (an
editor's job), since "a tag of this name already exists" would tell a writer
what their colleagues are writing about. Tags are public content: a rename
shows on the next request of every page (PublicContentAdmin).
"""

from django.contrib import admin
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

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
