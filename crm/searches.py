"""Search words stay out of URLs (R-ACC-06).

A search for 张三 or 13812345678 is personal data, and a URL ends up in proxy logs, browser
history and Referer headers. Search forms therefore POST the words; the view keeps them in
the session under a short random token and redirects to a URL that carries only the token
(`?s=…`) beside the harmless filters, so pagination, bookmarks within the session and
exports still work.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

SESSION_KEY = "snowball-searches"
KEEP = 30  # the most recent searches of a session


def remember(request, text: str) -> str:
    searches = request.session.get(SESSION_KEY, {})
    token = secrets.token_urlsafe(6)
    searches[token] = text[:200]
    request.session[SESSION_KEY] = dict(list(searches.items())[-KEEP:])
    return token


def recall(request, token: str | None) -> str:
    if not token:
        return ""
    return request.session.get(SESSION_KEY, {}).get(token, "")


def query_with(request, words_field: str = "q") -> dict:
    """The GET parameters of a list with its search words put back from the session."""
    data = request.GET.copy()
    data[words_field] = recall(request, request.GET.get("s"))
    return data


def bound(request, words_field: str = "q"):
    """What a list's filter form is bound to: the URL's filters with the words put back from
    the session, or None on a bare URL (the list unfiltered). Words typed into the URL itself
    (`?q=…`) are ignored, so no link or bookmark can carry them."""
    return query_with(request, words_field) if request.GET else None


def words(request) -> str:
    """The words of the search whose token is in the URL."""
    return recall(request, request.GET.get("s"))


def redirect_url(request, path: str, words_field: str = "q") -> str:
    """Where a POSTed search form goes: the same filters in the URL, the words by token."""
    params = {
        key: value
        for key, value in request.POST.items()
        if key not in (words_field, "csrfmiddlewaretoken") and value
    }
    words = request.POST.get(words_field, "").strip()
    if words:
        params["s"] = remember(request, words)
    return f"{path}?{urlencode(params)}" if params else path
