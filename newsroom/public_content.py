"""Companies, tickers, authors and tags: what readers see besides articles.

Pages show their names, and articles' search documents carry them, so
whatever changes one of them calls ``changed`` in the transaction that changes
it: after a save, before a delete (while its links to articles are still
there). The public content admins (newsroom/public_admin.py), merging
companies (companies/merging.py), loading them from CSV (companies/loading.py),
the tag admin's merge and seed_demo do; no model signal does it for them.

``changed`` tells the page cache and calls the hooks named in
settings.PUBLIC_CONTENT_HOOKS with the objects (the search index reindexes
the articles naming them at the commit), so neither newsroom/ nor companies/
imports articles/.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from newsroom import pagecache


def changed(*objects) -> None:
    """These companies, tickers, authors or tags were just saved, or are about
    to be deleted, in the current transaction."""
    for path in getattr(settings, "PUBLIC_CONTENT_HOOKS", ()):
        import_string(path)(objects)
    pagecache.changed()
