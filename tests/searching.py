"""Search words stay out of URLs (R-ACC-06): a search POSTed, followed, and every URL of what
comes back checked for the words — the redirect, pagination, tabs, exports, form actions."""

from __future__ import annotations

import html as html_module
import re
from urllib.parse import unquote_plus

URL_ATTRIBUTES = re.compile(r'\b(?:href|action|src|hx-get|hx-post|formaction)="([^"]*)"')


LOCAL_SCHEMES = ("tel:", "sms:", "mailto:", "data:")  # dialled or opened here, never sent


def urls_in(page: str) -> list[str]:
    """The URLs a browser would request from the page (links, forms, scripts, HTMX)."""
    urls = [html_module.unescape(url) for url in URL_ATTRIBUTES.findall(page)]
    return [url for url in urls if not url.startswith(LOCAL_SCHEMES)]


def assert_no_words(url: str, words: list[str]) -> None:
    """Neither as typed nor percent-encoded (`%E7%8E%8B…`, `+` for spaces)."""
    for word in words:
        assert word not in url and word not in unquote_plus(url), f"{word!r} in {url}"


def search(client, url: str, data: dict, words: list[str]) -> tuple[str, str]:
    """POST the search form, follow the redirect; returns the landing URL and its page, having
    checked that no URL of either carries the words."""
    response = client.post(url, data)
    assert response.status_code == 302
    location = response["Location"]
    assert "s=" in location
    assert_no_words(location, words)
    page = client.get(location)
    assert page.status_code == 200
    text = page.content.decode()
    links = urls_in(text)
    assert links, "the page has links to check"
    for link in links:
        assert_no_words(link, words)
    return location, text


def next_page(page: str, path: str) -> str:
    """The pagination's "next" link of the page at `path` (the link is a query: `?…`)."""
    found = re.search(r'<a href="([^"]*)" rel="next"', page)
    assert found, "the page has a next page"
    return path + html_module.unescape(found.group(1))
