from django.db import migrations, models

from articles.sanitize import stored_reading_minutes


def fill(apps, schema_editor):
    """Every article's reading time, as Article.derive_columns counts it."""
    articles = apps.get_model("articles", "Article").objects.using(
        schema_editor.connection.alias
    )
    rows = articles.only("headline", "dek", "key_points", "body_text")
    batch = []
    for article in rows.order_by("pk").iterator(chunk_size=500):
        article.reading_minutes = stored_reading_minutes(
            article.headline, article.dek, article.key_points, article.body_text
        )
        batch.append(article)
        if len(batch) == 500:
            articles.bulk_update(batch, ["reading_minutes"])
            batch = []
    articles.bulk_update(batch, ["reading_minutes"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_list_order_and_covering_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="reading_minutes",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="reading time (minutes)"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
