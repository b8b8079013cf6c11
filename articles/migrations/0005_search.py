"""The search index: SearchDocument, plus per database the full-text structures.

SQLite: an external-content FTS5 table over SearchDocument's columns, kept in
step by triggers. The ``ascii`` tokenizer splits on ASCII punctuation and
spaces only, so the analyser's terms (CJK bigrams, ``6638.hk``) reach the
index unchanged. PostgreSQL: two tsvector columns written by the backend from
the same terms (no text-search parser involved) and a GIN index. Neither is
part of the model's state, so ``makemigrations --check`` stays clean.

On SQLite, a later migration that alters SearchDocument rebuilds its table and
drops the triggers: recreate them there (``rebuild_search_index`` checks too).
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE = [
    """CREATE VIRTUAL TABLE articles_search_fts USING fts5(
        title, meta, body,
        content='articles_searchdocument', content_rowid='article_id',
        tokenize="ascii tokenchars '.'"
    )""",
    """CREATE TRIGGER articles_search_fts_ai AFTER INSERT ON articles_searchdocument
    BEGIN
        INSERT INTO articles_search_fts(rowid, title, meta, body)
        VALUES (new.article_id, new.title, new.meta, new.body);
    END""",
    """CREATE TRIGGER articles_search_fts_ad AFTER DELETE ON articles_searchdocument
    BEGIN
        INSERT INTO articles_search_fts(articles_search_fts, rowid, title, meta, body)
        VALUES ('delete', old.article_id, old.title, old.meta, old.body);
    END""",
    """CREATE TRIGGER articles_search_fts_au AFTER UPDATE ON articles_searchdocument
    BEGIN
        INSERT INTO articles_search_fts(articles_search_fts, rowid, title, meta, body)
        VALUES ('delete', old.article_id, old.title, old.meta, old.body);
        INSERT INTO articles_search_fts(rowid, title, meta, body)
        VALUES (new.article_id, new.title, new.meta, new.body);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS articles_search_fts_au",
    "DROP TRIGGER IF EXISTS articles_search_fts_ad",
    "DROP TRIGGER IF EXISTS articles_search_fts_ai",
    "DROP TABLE IF EXISTS articles_search_fts",
]
POSTGRESQL = [
    "ALTER TABLE articles_searchdocument"
    " ADD COLUMN vector tsvector, ADD COLUMN title_vector tsvector",
    "CREATE INDEX articles_search_vector_gin"
    " ON articles_searchdocument USING gin (vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS articles_search_vector_gin",
    "ALTER TABLE articles_searchdocument"
    " DROP COLUMN IF EXISTS vector, DROP COLUMN IF EXISTS title_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for statement in statements.get(vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0004_company_link_removals_imports'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_document', serialize=False, to='articles.article')),
                ('title', models.TextField(blank=True, verbose_name='title terms')),
                ('meta', models.TextField(blank=True, verbose_name='meta terms')),
                ('body', models.TextField(blank=True, verbose_name='body terms')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='indexed at')),
            ],
            options={
                'verbose_name': 'search document',
                'verbose_name_plural': 'search documents',
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
