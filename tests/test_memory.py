"""What a web worker holds: libraries only the desk or a save needs are not
imported until used. pypinyin (company slugs, made once per company) takes
some 60 MB, holidays' calendars (the desk's scheduling presets) 20 MB, ftfy
(the importer's mojibake repair) 18 MB; a worker serving readers needs none
of them (make bench reports workers' RSS)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pypinyin", "holidays", "ftfy")

WORKER = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
from newsroom.wsgi import application  # django.setup(), the admin's autodiscovery
from django.urls import resolve
for path in ("/", "/briefs/", "/articles/1/", "/companies/", "/search/", "/admin/"):
    resolve(path)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in %r)))
"""


def _imported_by_a_worker():
    result = subprocess.run(
        [sys.executable, "-c", WORKER % (HEAVY,)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_web_worker_does_not_import_what_only_the_desk_or_a_save_needs():
    assert _imported_by_a_worker() == []


def test_the_check_sees_a_library_imported_at_start_up(monkeypatch):
    # The same check on a library Django itself imports at start-up finds it,
    # so an empty list above means "not imported", not "not looked for".
    monkeypatch.setattr(sys.modules[__name__], "HEAVY", ("django", "pypinyin"))
    assert "django" in _imported_by_a_worker()
