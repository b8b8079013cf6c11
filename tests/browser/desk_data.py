"""Something in every panel of the desk's dashboard, for the browser tests."""

from datetime import timedelta

from django.utils import timezone

from tests.articles.desk import corrected, imported, in_review, scheduled, sent_back
from tests.factories import make_article, make_author, make_company


def fill_every_panel(*, editor, writer):
    """Articles for each of the editor's and the writer's panels; returns the
    one in review (by ``writer``) and a scheduled one."""
    now = timezone.now()
    make_author(name="陳大文", user=writer)
    make_company("0700.HK", name="騰訊控股")
    review = in_review(
        headline="騰訊季績勝預期 遊戲收入回升",
        by=writer,
        at=now - timedelta(hours=3),
        body="<p>騰訊控股（0700.HK）公佈季績；新股甲（9999.HK）同日招股。</p>",
    )
    in_review(headline="港股半日升三百點", by=writer, at=now - timedelta(minutes=40))
    soon = scheduled(
        headline="恒指收市評論",
        at=now + timedelta(hours=2, minutes=15),
        by=editor,
        created_by=writer,
    )
    scheduled(
        headline="美聯儲議息前瞻",
        at=now - timedelta(minutes=30),
        by=editor,
        created_by=writer,
    )
    corrected(headline="港交所新上市規則", at=now - timedelta(days=1))
    imported(
        headline="外電：日圓急跌",
        at=now - timedelta(minutes=10),
        by=editor,
        body="<p>日本央行按兵不動；乙公司（ABCD.US）跌一成。</p>",
    )
    make_article(headline="比亞迪銷量草稿", created_by=writer)
    sent_back(
        headline="內房債務重組進展",
        writer=writer,
        editor=editor,
        at=now - timedelta(hours=1),
        note="請補上債權人名單和數字來源。",
    )
    return review, soon
