"""bench/site.py's publish under load, inside Django: publish a brief now
through the workflow (as an editor would), or remove it again.

    python bench/site_publish.py publish HEADLINE   → prints the article's id
    python bench/site_publish.py remove ID
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402

from articles import workflow  # noqa: E402
from articles.models import Article  # noqa: E402


def main():
    command, value = sys.argv[1], sys.argv[2]
    editor, _created = User.objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    if command == "publish":
        article = Article.objects.create(
            headline=value, kind=Article.Kind.BRIEF, body="<p>壓力測試中發佈。</p>"
        )
        workflow.publish(article, by=editor)
        sys.stdout.write(f"{article.pk}\n")
    else:
        article = Article.objects.get(pk=int(value))
        workflow.unpublish(article, by=editor)
        article.delete()


if __name__ == "__main__":
    main()
