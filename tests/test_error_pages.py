"""Error pages in the site's look and in the reader's script."""

import pytest


@pytest.mark.parametrize(
    ("url", "expected", "absent"),
    [
        ("/no-such-page/", "找不到網頁", "找不到网页"),
        ("/zh-hans/no-such-page/", "找不到网页", "找不到網頁"),
    ],
)
def test_404_page_speaks_the_readers_script(client, db, url, expected, absent):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert expected in html and absent not in html
    assert 'class="masthead' in html or "<header" in html  # the site's layout


@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize(
    ("prefix", "heading"), [("", "伺服器出錯"), ("/zh-hans", "伺服器出错")]
)
def test_500_page_speaks_the_readers_script(client, db, prefix, heading):
    client.raise_request_exception = False
    response = client.get(prefix + "/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "boom" not in html  # nothing of the error leaks
    assert f"<h1>{heading}</h1>" in html
