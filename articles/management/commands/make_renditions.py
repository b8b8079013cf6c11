"""``manage.py make_renditions [--force]``: renditions for every hero image and
author photo that lacks them (uploaded before renditions existed, or whose
making failed); with ``--force``, remade for all (after changing the widths or
the encoder settings in articles/images.py).

Rows are written as the rendition task writes them
(``articles.image_tasks.update_renditions``: a conditional update, no version
bump, no new ``updated_at``), here and now, without a worker. A broken file
is reported and skipped.
"""

from django.apps import apps
from django.core.management.base import BaseCommand

from articles import image_tasks


class Command(BaseCommand):
    help = "Make WebP and JPEG renditions of hero images and author photos."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Remake renditions that already exist.",
        )

    def handle(self, *args, force=False, **options):
        for label, (image_field, renditions_field, _w) in image_tasks.TARGETS.items():
            model = apps.get_model(label)
            counts = dict.fromkeys(["made", "unchanged", "failed"], 0)
            rows = (
                model.objects.exclude(**{image_field: ""})
                .only("pk", image_field, renditions_field)
                .order_by("pk")
            )
            for row in rows.iterator(chunk_size=200):
                old_name = getattr(row, image_field).name
                result = image_tasks.update_renditions(row, force=force)
                counts[result.status] += 1
                if result.status == "failed":
                    self.stderr.write(
                        f"{model._meta.verbose_name} {row.pk}: could not read "
                        f"{old_name} (see the log)"
                    )
            self.stdout.write(
                f"{model._meta.verbose_name_plural}: {counts['made']} made, "
                f"{counts['unchanged']} already done, {counts['failed']} failed"
            )
