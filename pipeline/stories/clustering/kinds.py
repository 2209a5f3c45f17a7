"""What kind of event a headline reports: a recall, a new chief executive, a funding round, a deal ...

Two items about one company whose headlines report different kinds of event are two stories (the same
company's recall and its new chief executive on one day), however much of the company's boilerplate
they share. A headline with no recognised kind says nothing either way, so rewording never splits a story.
"""

from __future__ import annotations

import re

KINDS = {
    "recall": r"recalls?|recalled|recalling",
    "leadership": r"(?:names|appoints|hires|picks|taps)\b.*\b(?:ceo|chief|chair\w*|president|head)|"
                  r"(?:ceo|chief|chair\w*|founder|boss)\b.*\b(?:steps? down|resigns?|quits|leaves|departs|ousted|exits?)|"
                  r"new (?:ceo|chief executive|chair\w*)",
    "funding": r"raises?|raised|funding|series [a-f]\b|seed round|investment round|closes .*round",
    "deal": r"acquires?|acquired|acquisition|buys|bought|takeover|merger|merges?|to buy",
    "jobs": r"lay(?:s)? off|layoffs?|job cuts?|cuts? \S+ jobs|redundanc\w+",
    "results": r"profits?|quarterly|results|earnings|loss widens|net loss|sales (?:rise|fall|grow|drop)",
    "ruling": r"fined?|fines|penalty|ordered|orders?\b.*\b(?:off|to stop|to halt|to pay)|banned?|bans|court|lawsuit|sues?|sued|ruling|regulator",
    "incident": r"fire|blaze|outage|breach|hack(?:ed)?|explosion|leak|strike",
}
_PATTERNS = {kind: re.compile(rf"\b(?:{pattern})", re.I) for kind, pattern in KINDS.items()}


def kinds(headline: str) -> frozenset[str]:
    return frozenset(kind for kind, pattern in _PATTERNS.items() if pattern.search(headline))


def different_kinds(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b) and not (a & b)
