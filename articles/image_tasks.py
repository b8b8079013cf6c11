"""Image renditions as background work (django-tasks), and the one way a row's
renditions are written.

``Article.save()`` and ``Author.save()`` store a new upload stripped of its
metadata; ``Author.save()`` and, for articles, the edit service
(articles/changes.py) call ``schedule_renditions``. With the database backend
(``TASKS_BACKEND=database``) the task is enqueued once the save commits, and
any number of ``manage.py db_worker`` processes share the work; pages show
the original meanwhile. With the immediate backend (development, tests) it
runs at once, in the save, as renditions always did.
"""

import functools

from django.apps import apps
from django.db import transaction
from django_tasks import TaskResultStatus, task
from django_tasks.backends.immediate import ImmediateBackend

from newsroom import pagecache

from . import images

# model label: image field, renditions field, widths
TARGETS = {
    "articles.article": ("hero_image", "hero_renditions", images.HERO_WIDTHS),
    "articles.author": ("photo", "photo_renditions", images.PHOTO_WIDTHS),
}


def update_renditions(row, *, force: bool = False) -> images.Result:
    """Make the renditions of ``row``'s image and write them to its row.

    A conditional ``update()``: no version bump (an editor with the article
    open keeps their save), no new ``updated_at`` (a rendition is not an edit
    readers should see as one), and nothing is written if the image was
    replaced meanwhile.
    """
    image_field, renditions_field, widths = TARGETS[row._meta.label_lower]
    fieldfile = getattr(row, image_field)
    old_name = fieldfile.name
    result = images.ensure_renditions(
        fieldfile, getattr(row, renditions_field), widths=widths, force=force
    )
    if result.status == "made":
        rows = type(row)._default_manager.filter(pk=row.pk, **{image_field: old_name})
        updated = rows.update(
            **{image_field: fieldfile.name, renditions_field: result.renditions}
        )
        if updated:
            pagecache.changed()  # the pages showing the image
    return result


@task()
def make_renditions_task(model: str, pk: int, source: str) -> dict:
    """Make the renditions of one row's image, if it still is ``source``."""
    image_field, _renditions_field, _widths = TARGETS[model]
    row = apps.get_model(model)._default_manager.filter(pk=pk).first()
    if row is None or getattr(row, image_field).name != source:
        # Deleted, or the image replaced since: that save enqueued its own.
        return {"status": "skipped"}
    result = update_renditions(row)
    return {
        "status": result.status,
        "source": getattr(row, image_field).name,
        "renditions": result.renditions,
    }


def schedule_renditions(row) -> None:
    """Have ``row``'s renditions made, after its save (``row`` is saved)."""
    image_field, renditions_field, _widths = TARGETS[row._meta.label_lower]
    args = (row._meta.label_lower, row.pk, getattr(row, image_field).name)
    if not isinstance(make_renditions_task.get_backend(), ImmediateBackend):
        # A worker must find the row and the stored original: after commit.
        transaction.on_commit(
            functools.partial(make_renditions_task.enqueue, *args), robust=True
        )
        return
    # The immediate backend runs the task in this process either way; running
    # it now rather than at commit means the caller (a test inside its
    # transaction, seed_demo, the newsletter preview) sees the renditions
    # when save() returns, on the row and on this instance.
    result = make_renditions_task.enqueue(*args)
    if result.status == TaskResultStatus.SUCCESSFUL:
        done = result.return_value
        if done["status"] in ("made", "unchanged"):
            getattr(row, image_field).name = done["source"]
            setattr(row, renditions_field, done["renditions"])
