"""Generated content in volume: companies, tickers, authors, tags and articles.

One generator for ``manage.py generate_fake_content`` and the benchmarks
(bench/search.py, bench/companies.py), so the benchmarks measure the kind of
copy the command makes.

- ``text``: the copy, from our own sentence templates and word lists, with a
  seeded ``random.Random`` (the same seed gives the same content); no
  database.
- ``loading``: writes it in bulk, a batch at a time, with the columns
  ``Article.save()`` derives, the relations and the search index.
"""

from .loading import Summary, populate

__all__ = ["Summary", "populate"]
