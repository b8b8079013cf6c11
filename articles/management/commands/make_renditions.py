"""``manage.py make_renditions [--force]``: renditions for every hero image and
author photo that lacks them (uploaded before renditions existed, or whose
making failed); with ``--force``, remade for all (after changing the widths or
the encoder settings in articles/images.py).

Rows are written with a conditional ``update()``: no version bump (an editor
with the article open keeps their save), no new ``updated_at`` (a rendition is
not an edit readers should see as one), and nothing is written if the image
was replaced meanwhile. A broken file is reported and skipped.
"""

from django.core.management.base import BaseCommand

from articles import images
from articles.models import Article, Author

# model, image field, renditions field, widths
TARGETS = [
    (Article, "hero_image", "hero_renditions", images.HERO_WIDTHS),
    (Author, "photo", "photo_renditions", images.PHOTO_WIDTHS),
]


class Command(BaseCommand):
    help = "Make WebP and JPEG renditions of hero images and author photos."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Remake renditions that already exist.",
        )

    def handle(self, *args, force=False, **options):
        for model, image_field, renditions_field, widths in TARGETS:
            counts = dict.fromkeys(["made", "unchanged", "failed"], 0)
            rows = (
                model.objects.exclude(**{image_field: ""})
                .only("pk", image_field, renditions_field)
                .order_by("pk")
            )
            for row in rows.iterator(chunk_size=200):
                fieldfile = getattr(row, image_field)
                old_name = fieldfile.name
                result = images.ensure_renditions(
                    fieldfile,
                    getattr(row, renditions_field),
                    widths=widths,
                    force=force,
                )
                counts[result.status] += 1
                if result.status == "failed":
                    self.stderr.write(
                        f"{model._meta.verbose_name} {row.pk}: could not read "
                        f"{old_name} (see the log)"
                    )
                elif result.status == "made":
                    model.objects.filter(pk=row.pk, **{image_field: old_name}).update(
                        **{
                            image_field: fieldfile.name,
                            renditions_field: result.renditions,
                        }
                    )
            self.stdout.write(
                f"{model._meta.verbose_name_plural}: {counts['made']} made, "
                f"{counts['unchanged']} already done, {counts['failed']} failed"
            )
