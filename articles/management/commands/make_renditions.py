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

from articles import image_tasks
from newsroom.progress import LongCommand


class Command(LongCommand):
    help = "Make WebP and JPEG renditions of hero images and author photos."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Remake renditions that already exist.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count the images that would get renditions; write nothing.",
        )

    def handle(self, *args, force=False, dry_run=False, **options):
        if dry_run:
            return self.dry_run(force)
        for label, (image_field, renditions_field, _w) in image_tasks.TARGETS.items():
            model = apps.get_model(label)
            counts = dict.fromkeys(["made", "unchanged", "failed"], 0)
            rows = (
                model.objects.exclude(**{image_field: ""})
                .only("pk", image_field, renditions_field)
                .order_by("pk")
            )
            name = str(model._meta.verbose_name_plural)
            with self.progress(
                name.capitalize(), total=rows.count(), unit="images"
            ) as progress:
                for row in rows.iterator(chunk_size=200):
                    self.make(row, image_field, force, counts, model)
                    progress.advance()
            self.stdout.write(
                f"{name}: {counts['made']} made, "
                f"{counts['unchanged']} already done, {counts['failed']} failed"
            )

    def make(self, row, image_field, force, counts, model):
        old_name = getattr(row, image_field).name
        result = image_tasks.update_renditions(row, force=force)
        counts[result.status] += 1
        if result.status == "failed":
            self.stderr.write(
                f"{model._meta.verbose_name} {row.pk}: could not read "
                f"{old_name} (see the log)"
            )

    def dry_run(self, force):
        for label, (image_field, renditions_field, _w) in image_tasks.TARGETS.items():
            model = apps.get_model(label)
            rows = model.objects.exclude(**{image_field: ""})
            if not force:
                rows = rows.filter(**{renditions_field: {}})
            self.stdout.write(
                f"Dry run, nothing written: {model._meta.verbose_name_plural} "
                f"would get renditions: {rows.count()}"
            )
