"""Operators' commands: help on every argument, English, progress where long."""

import io

import pytest
from django.core.management import call_command, get_commands, load_command_class

from companies.models import Company
from tests.terminal import FakeTerminal

LONG_COMMANDS = [
    "rebuild_search_index",
    "import_articles",
    "generate_fake_content",
    "send_newsletter",
    "export_newsletter",
    "make_renditions",
    "backup",
    "restore",
    "load_companies",
    "compose_newsletter",
    "seed_demo",
]


@pytest.mark.parametrize("name", LONG_COMMANDS)
def test_every_argument_has_help_text(name):
    command = load_command_class(get_commands()[name], name)
    parser = command.create_parser("manage.py", name)
    missing = [
        action.dest
        for action in parser._actions
        if not action.help and action.dest != "help"
    ]
    assert missing == []


@pytest.mark.django_db
def test_import_articles_counts_files_on_a_terminal_in_english(tmp_path):
    folder = tmp_path / "wire"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(
            f"標題：港股收市 {n}\n\n恒指今日收市升 {n} 點，成交額 1,000 億元。",
            encoding="utf-8",
        )
    out = FakeTerminal()
    call_command("import_articles", str(folder), "--dry-run", stdout=out)
    assert "\rImporting: 3 files in" in out.getvalue()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in out.getvalue().split("\n")[0])


@pytest.mark.django_db
def test_load_companies_reports_in_a_log_and_dry_run_writes_nothing(tmp_path):
    csv = tmp_path / "c.csv"
    csv.write_text(
        "exchange,symbol,name_zh_hant,name_en,aliases\nHK,700,騰訊控股,Tencent,騰訊\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("load_companies", str(csv), "--dry-run", stdout=out)
    assert "Loading companies: 1 companies in" in out.getvalue()
    assert not Company.objects.exists()


@pytest.mark.django_db
def test_make_renditions_dry_run_writes_nothing():
    out = io.StringIO()
    call_command("make_renditions", "--dry-run", stdout=out)
    assert out.getvalue().startswith("Dry run, nothing written: ")


# restore checks an archive with --verify; seed_demo is for development.
WRITING_COMMANDS = [
    name for name in LONG_COMMANDS if name not in {"restore", "seed_demo"}
]


@pytest.mark.parametrize("name", WRITING_COMMANDS)
def test_every_writing_command_has_a_dry_run(name):
    command = load_command_class(get_commands()[name], name)
    parser = command.create_parser("manage.py", name)
    assert "dry_run" in {action.dest for action in parser._actions}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "arguments",
    [
        ["rebuild_search_index"],
        ["generate_fake_content", "--articles", "5"],
        ["compose_newsletter", "2026-W40"],
        ["export_newsletter", "2026-W40", "--out", "{tmp}/out"],
        ["backup", "{tmp}/b.tar.gz"],
    ],
    ids=lambda a: a[0],
)
def test_a_dry_run_writes_nothing(arguments, tmp_path, settings):
    from newsletter import composing
    from newsletter.models import Issue

    settings.MEDIA_ROOT = str(tmp_path / "media")
    if arguments[0] == "export_newsletter":
        composing.create_issue("2026-W40")  # a draft; --allow-draft below
        arguments = [*arguments, "--allow-draft"]
    issues = Issue.objects.count()
    out = io.StringIO()
    arguments = [a.format(tmp=tmp_path) for a in arguments]
    call_command(*arguments, "--dry-run", stdout=out)
    assert out.getvalue().startswith("Dry run, nothing written")
    assert Issue.objects.count() == issues
    assert sorted(p.name for p in tmp_path.iterdir()) == []
