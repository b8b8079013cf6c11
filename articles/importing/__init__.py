"""The importer: raw copy (CMS exports, scraped pages, wire releases) to drafts.

One module per concern: ``decoding`` (bytes to clean text), ``cleaning``
(boilerplate and chrome), ``tables`` (pipe and one-cell-per-line tables),
``parsing`` (text to parsed articles, no database), ``storing`` (drafts,
import records, duplicates) and ``report`` (what an import did, as text).
The ``import_articles`` command and the admin's "Import copy" page both call
``storing.import_file`` / ``storing.import_upload`` and show the same report.
"""
