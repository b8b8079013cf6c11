"""The import preview: the split shown before drafts exist, and an editor's fixes."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.importing import preview
from articles.importing.parsing import parse_text
from articles.models import Article, Author

URL = "admin:articles_importrecord_import"
PARA = "公司昨日公布業績，收入按年增長百分之十二，毛利率回升至百分之二十一。"
COPY = (
    f"灣區電力季績勝預期\n\n作者：陳子謙\n\n{PARA}\n\n{PARA * 2}\n\n{PARA * 3}\n\n"
    "來源：維港財經\n\n"
    f"維港銀行削減派息\n\n作者：林曉彤\n\n{PARA}\n\n欲訂閱本站每周免費通訊，請點擊這裏\n"
)


def test_the_preview_split_is_the_parsers_split():
    split = preview.initial_split(COPY)
    parsed = parse_text(COPY)
    assert [a.parsed.headline for a in split.articles] == [
        a.headline for a in parsed.articles
    ]
    assert [a.parsed.body_text for a in split.articles] == [
        a.body_text for a in parsed.articles
    ]
    junk = [line.text for line in split.lines if line.role == "junk"]
    assert "欲訂閱本站每周免費通訊，請點擊這裏" in junk


def test_unchanged_roles_give_the_parsers_articles():
    split = preview.initial_split(COPY)
    again = preview.edited_split(COPY, split.roles, split.starts)
    assert again.parsed is not split.parsed
    assert [a.headline for a in again.parsed.articles] == [
        a.headline for a in split.parsed.articles
    ]


def test_merge_split_and_marking_lines():
    split = preview.initial_split(COPY)
    merged = preview.edited_split(COPY, split.roles, preview.merge(split, 2))
    assert len(merged.parsed.articles) == 1
    assert "維港銀行削減派息" in merged.parsed.articles[0].body_text
    # Split the first article again at its second paragraph, titled by hand.
    second_para = [line for line in split.lines if line.text == PARA * 2][0]
    roles = {**split.roles, second_para.index: "headline"}
    resplit = preview.edited_split(COPY, roles, split.starts | {second_para.index})
    assert [a.headline for a in resplit.parsed.articles] == [
        "灣區電力季績勝預期",
        PARA * 2,
        "維港銀行削減派息",
    ]
    # Bring back the dropped call to action as body; mark the source as junk.
    cta = [line for line in split.lines if line.role == "junk"][0]
    source = [line for line in split.lines if line.role == "source"][0]
    roles = {**split.roles, cta.index: "body", source.index: "junk"}
    fixed = preview.edited_split(COPY, roles, split.starts)
    first, second = fixed.parsed.articles
    assert first.sources == [] and "來源：維港財經" in [d.text for d in first.dropped]
    assert "欲訂閱本站" in second.body_text


def _post(client, **data):
    return client.post(reverse(URL), data)


def _fields(html):
    """The preview form's fields, as a browser would post them."""
    data = {"step": "preview"}
    for name, value in re.findall(
        r'<input type="hidden" name="(\w+)" value="([^"]*)"', html
    ):
        data[name] = value
    data["text"] = re.search(
        r'<textarea name="text"[^>]*>\n(.*?)</textarea>', html, re.S
    )[1]
    for index in re.findall(r'name="start-(\d+)"[^>]*checked', html):
        data[f"start-{index}"] = "on"
    for index, body in re.findall(
        r'<select name="role-(\d+)"[^>]*>(.*?)</select>', html, re.S
    ):
        data[f"role-{index}"] = re.search(r'value="(\w+)" selected', body)[1]
    import html as html_module

    return {k: html_module.unescape(v) for k, v in data.items()}


@pytest.mark.django_db
def test_upload_shows_the_split_and_creates_nothing_until_asked(editor_client):
    file = SimpleUploadedFile("feed.txt", COPY.encode(), "text/plain")
    response = editor_client.post(reverse(URL), {"file": file, "preview": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Check the split" in html
    assert "灣區電力季績勝預期" in html and "維港銀行削減派息" in html
    assert Article.objects.count() == 0
    data = _fields(html)
    response = editor_client.post(reverse(URL), {**data, "action": "merge-2"})
    assert Article.objects.count() == 0
    merged = _fields(response.content.decode())
    response = editor_client.post(reverse(URL), {**merged, "action": "create"})
    assert Article.objects.count() == 1
    article = Article.objects.get()
    assert article.headline == "灣區電力季績勝預期"
    assert "維港銀行削減派息" in article.body
    assert article.import_record.source_name == "feed.txt"
    assert Author.objects.filter(name="陳子謙").exists()


@pytest.mark.django_db
def test_preview_as_is_creates_what_the_command_would(writer_client):
    file = SimpleUploadedFile("feed.txt", COPY.encode(), "text/plain")
    html = writer_client.post(reverse(URL), {"file": file, "preview": "on"}).content
    data = _fields(html.decode())
    writer_client.post(reverse(URL), {**data, "action": "create"})
    assert list(Article.objects.order_by("pk").values_list("headline", flat=True)) == [
        "灣區電力季績勝預期",
        "維港銀行削減派息",
    ]


@pytest.mark.django_db
def test_preview_shows_copy_as_text(editor_client):
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    text = f"標題在這裏\n作者：陳子謙\n{PARA}{payload}\n"
    file = SimpleUploadedFile("x.txt", text.encode(), "text/plain")
    html = editor_client.post(reverse(URL), {"file": file, "preview": "on"}).content
    assert b"<script>alert(1)" not in html
    assert b"&lt;script&gt;alert(1)" in html


@pytest.mark.django_db
def test_dry_run_prints_the_same_split_as_the_preview(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "feed.txt"
    path.write_text(COPY, encoding="utf-8")
    out = StringIO()
    call_command("import_articles", str(path), "--dry-run", stdout=out)
    printed = out.getvalue()
    split = preview.initial_split(COPY)
    for line in split.lines:
        assert f"{line.role:>9} | {line.text[:40]}" in printed
    assert Article.objects.count() == 0
