"""Canonical article URLs, so one article reached by several links counts once.

Two links are the same article when they differ only in what trackers and servers add: utm_* and
other tracking parameters, a fragment, the scheme (http/https), a `www.` prefix, letter case of the
host, a default port, a trailing slash, the order of the remaining query parameters. A page's own
`<link rel="canonical">` wins over all of that when the article page is fetched (see articles.py).
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "oly_", "vero_", "_hs")
_TRACKING_KEYS = frozenset(
    """fbclid gclid dclid gclsrc msclkid yclid twclid igshid mkt_tok _ga _gl ref ref_src ref_url cmpid
    cmp icid ito ncid ocid sr_share smid soc_src soc_trk at_medium at_campaign wt.mc_id
    rss outputtype""".split()
)


def is_http(url: str | None) -> bool:
    return bool(url) and url.strip().lower().startswith(("http://", "https://"))


def canonical(url: str) -> str:
    """The comparable form of an http(s) URL (scheme-less https, lowercase host, no tracking)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(key)
    ]
    return urlunsplit(("https", netloc, path, urlencode(sorted(query)), ""))


def clean(url: str) -> str:
    """The URL to show and link to: tracking parameters and the fragment removed, the rest kept."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


_SECRET_KEYS = ("key", "token", "secret", "password", "passwd", "auth", "sig", "signature", "session")


def redact(url: str) -> str:
    """The URL for logs and errors: no user:password, and secret-looking query values masked."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return "(unparsable URL)"
    query = [
        (k, "***" if any(word in k.lower() for word in _SECRET_KEYS) else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="*"), ""))


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key.startswith(_TRACKING_PREFIXES) or key in _TRACKING_KEYS


class _CanonicalLinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.href: str | None = None

    def handle_starttag(self, tag, attrs):
        if self.href is None and tag == "link":
            values = dict(attrs)
            rel = (values.get("rel") or "").lower().split()
            if "canonical" in rel and values.get("href"):
                self.href = values["href"].strip()


def rel_canonical(page_html: str, page_url: str) -> str | None:
    """The page's `<link rel="canonical">`, made absolute; None when absent or not http(s).

    Only the page's head is searched (the first 200 kB): a canonical link further down is not the
    page's own declaration.
    """
    finder = _CanonicalLinkFinder()
    try:
        finder.feed(page_html[:200_000])
    except Exception:  # noqa: BLE001 - html.parser on hostile markup: no canonical, not a crash
        return None
    if not finder.href:
        return None
    absolute = urljoin(page_url, finder.href)
    return absolute if is_http(absolute) else None
