"""Text basics of clustering (folding, the English lexicon) and link-level duplicates."""

from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pipeline.stories.clustering.weights import DEDUPE_TEXT_OVERLAP


@dataclass(frozen=True)
class Item:
    title: str
    text: str = ""
    published: datetime | None = None
    source: str = ""
    url: str | None = None
    guid: str | None = None


# --- text basics --------------------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": " - ",
                         "\u2011": "-", "\u2010": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " "})


def fold(text: str) -> str:
    """Lower case without accents: "Société" -> "societe"."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").translate(_QUOTES).split())


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    with gzip.open(Path(__file__).with_name("lexicon.txt.gz"), "rt", encoding="utf-8") as handle:
        return frozenset(handle.read().split())


# Function words and calendar words never make a name, even capitalised mid-sentence.
_STOP = frozenset("""a an the and or but nor of in on at to for from by with without into onto over under
after before since until about as than then so if when while where which who whom whose what why how
this that these those it its it's he she they we you i his her their our your my me him them us
is are was were be been being has have had do does did will would shall should can could may might must
not no yes all any each every some many more most much few less least other another such own same
also only just even still yet already very too up down out off again further here there
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow tonight
january february march april may june july august september october november december
mr mrs ms dr prof sir dame mx""".split())
# Titles and roles: capitalised before a name ("Minister Verhoef"), not part of it.
_ROLES = frozenset("""chief executive officer ceo cfo cto coo cio president vice minister ministers secretary
director directors chairman chairwoman chair founder cofounder co-founder managing commissioner mayor
spokesman spokeswoman spokesperson analyst senior head general""".split())
# Acronyms that are units, currencies, roles or generic terms rather than names.
_GENERIC_ACRONYMS = frozenset("""ceo cfo cto coo cio cso cmo ai ev evs it pc pcs tv usb sim led leds oled gps api
apis ipo gdp co2 hq r&d mw gw kw tw mwh gwh twh kwh kv eur usd gbp chf sek nok dkk pln jpy cny
id ok pr vat etf esg b2b saas am pm utc cet cest gmt update updated breaking exclusive live new faq
wi fi wi-fi q1 q2 q3 q4 h1 h2 nm mm km kg lfp""".split())
_CONNECTORS = frozenset("of for van von de der den du la le da di del des y & al el bin ter".split())
_UPDATE_PREFIX = re.compile(
    r"^\s*(?:\(?\s*(?:update[sd]?|updated|correction|corrected|breaking|live|exclusive|new)\s*\d*\s*\)?"
    r"\s*[:\-\u2013\u2014|]\s*)+", re.I)
_UPDATE_SUFFIX = re.compile(r"\s*[\(\[]\s*(?:update[sd]?|updated|correction|corrected)\s*[\)\]]\s*$", re.I)


def strip_update(title: str) -> str:
    return _UPDATE_SUFFIX.sub("", _UPDATE_PREFIX.sub("", title)).strip()


# --- link-level dedupe --------------------------------------------------------------------------------

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "oly_", "vero_", "_hs", "at_", "itm_", "ga_")
_TRACKING_KEYS = frozenset("""fbclid gclid dclid gclsrc msclkid yclid twclid igshid mkt_tok _ga _gl ref ref_src
ref_url cmpid cmp icid ito ncid ocid sr_share smid soc_src soc_trk wt.mc_id rss outputtype src
source feed""".split())


def canonical_url(url: str | None) -> str | None:
    if not url or not url.strip().lower().startswith(("http://", "https://")):
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not (k.lower().startswith(_TRACKING_PREFIXES) or k.lower() in _TRACKING_KEYS))
    return urlunsplit(("https", host, path, urlencode(query), ""))


def _norm_title(title: str) -> str:
    return " ".join(re.findall(r"\w+", fold(strip_update(clean(title)))))


def _word_overlap(a: str, b: str) -> float:
    x, y = set(re.findall(r"\w+", fold(a))), set(re.findall(r"\w+", fold(b)))
    return len(x & y) / max(1, min(len(x), len(y)))


def find_root(parent: list[int], i: int) -> int:
    """The representative of i's set in a union-find forest (`parent`), halving the path on the way."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def dedupe(items: list[Item]) -> list[int]:
    """For every item, the index of the item it duplicates (itself when it is an original)."""
    parent = list(range(len(items)))

    def root(i: int) -> int:
        return find_root(parent, i)

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    seen: dict[tuple, int] = {}
    for i, item in enumerate(items):
        keys = []
        if item.guid:
            guid = item.guid.strip()
            url_guid = canonical_url(guid)
            keys.append(("url", url_guid) if url_guid else ("guid", item.source, guid))
        url = canonical_url(item.url)
        if url:
            keys.append(("url", url))
        for key in keys:
            if key in seen:
                join(seen[key], i)
            else:
                seen[key] = i
    by_title: dict[tuple[str, str], list[int]] = {}
    for i, item in enumerate(items):
        by_title.setdefault((item.source, _norm_title(item.title)), []).append(i)
    for (_, title), group in by_title.items():
        if not title or len(group) < 2:
            continue
        for a_pos, i in enumerate(group):
            for j in group[a_pos + 1:]:
                a, b = items[i], items[j]
                close = (a.published is None or b.published is None
                         or abs((a.published - b.published).total_seconds()) <= 48 * 3600)
                if close and _word_overlap(a.text or a.title, b.text or b.title) >= DEDUPE_TEXT_OVERLAP:
                    join(i, j)
    return [root(i) for i in range(len(items))]
