from django.db import migrations

# The article page's related read finds the articles linked to its companies
# (articles/rows.py: related, _RELATED_BY_COMPANY): with the article beside
# the company in one index, that is an index-only scan, not a visit to each
# link row. The table is the one Django makes for Article.companies, so the
# index is SQL here.
INDEX = "article_companies_by_company_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_reading_minutes"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON articles_article_companies (company_id, article_id)",
            f"DROP INDEX {INDEX}",
        ),
    ]
