"""makemessages with catalogues that merge cleanly.

Entries are sorted by msgid and carry no source locations, so two branches
that each add strings touch different lines of the .po files instead of
rewriting every "#: file:line" comment; the creation date, which would
differ on every branch, is left out of the header.
"""

import re
from pathlib import Path

from django.conf import settings
from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--sort-output"]
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--sort-output"]
    msguniq_options = [*makemessages.Command.msguniq_options, "--sort-output"]
    msgattrib_options = [*makemessages.Command.msgattrib_options, "--sort-output"]

    def handle(self, *args, **options):
        options["no_location"] = True
        result = super().handle(*args, **options)
        for po in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/*.po"):
            text = po.read_text(encoding="utf-8")
            po.write_text(re.sub(r'"POT-Creation-Date: [^"]*"\n', "", text), "utf-8")
        return result
