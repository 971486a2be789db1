"""The boilerplate filter for raw text captures of web pages.

A page copied as text (select all, copy) keeps the site's furniture: a header with the day's
date, navigation, "share this story" lines, subscription calls, cookie and captcha notices,
disclaimers, and lists of related articles (a heading, then dated teaser titles cut off with
"..."). :func:`filter_capture` drops those lines and keeps every paragraph of the article,
reading the metadata it can find on the way (the byline, the dateline, a site name glued to
the first paragraph, the title).

The rules are line rules, conservative by design: a line is dropped only when it matches a
furniture pattern; prose is never dropped for being short.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["CaptureText", "filter_capture", "looks_like_capture"]

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
#: a dateline: "June 24, 2020 5:20 am", "24 June 2020", "2020-06-24 10:00"
DATELINE = re.compile(
    rf"^(?:(?:{_WEEKDAYS}),?\s+)?(?:(?P<md>(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
    rf"|(?P<dm>\d{{1,2}}\s+(?:{_MONTHS})\.?,?\s+\d{{4}})|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}))"
    r"(?:\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?\s*$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:avatar\s+)?(?:by|written by|author:)\s+(?P<name>[^/|]{3,80}?)\s*[/|]?\s*$", re.I
)
_GLUED_SITE = re.compile(r"^(?P<site>[A-Z][A-Za-z0-9]+\.(?:org|com|net|co\.uk|news))(?=[A-Z\"“])")

#: lines that are site furniture wherever they stand
_FURNITURE = [
    r"^share (?:this|on|via)\b",
    r"\bshare on (?:facebook|twitter|x|linkedin|whatsapp)\b",
    r"^(?:tweet|email|print|whatsapp|facebook|twitter|linkedin|reddit)(?:\s*[|/·]\s*\w+)*$",
    r"^(?:subscribe|sign up|sign in|log in|login|register)\b",
    r"\bsubscribe (?:to|now|for)\b",
    r"\bnewsletter\b.{0,60}$",
    r"^let your voice be heard",
    r"^join (?:the|our) [\w ]{2,40}!?$",
    r"^follow us\b",
    r"\b(?:we|this site) uses? cookies\b",
    r"\bcookie (?:policy|settings|preferences|notice)\b",
    r"^(?:accept|reject) (?:all )?cookies",
    r"\brecaptcha\b",
    r"\bprivacy policy\b.*\bterms of (?:service|use)\b",
    r"^(?:advertisement|sponsored(?: content)?|ad|ads by \w+|promoted)$",
    r"^(?:skip to (?:main )?content|toggle navigation|main menu|menu|search|home)$",
    r"^(?:all rights reserved|copyright|©)",
    r"\ball rights reserved\.?$",
    r"^the (?:opinions|views) (?:presented|expressed) (?:by|in)\b.*\b(?:do not|does not)\b",
    r"^if you would like to share your views\b",
    r"^(?:read more|continue reading|click here|see also|watch:?)\b.{0,60}$",
    r"^(?:latest|most read|most popular|trending|recommended|more from) [\w ]{0,30}$",
    r"^(?:related|more) (?:coverage|articles|stories|posts|news|briefs|reading)\b:?$",
    r"^(?:tags?|topics?|filed under|categories?):",
    r"^(?:previous|next) (?:article|post|story)\b",
    r"^(?:comments?|leave a (?:comment|reply)|\d+ comments?)$",
]
_FURNITURE_RE = re.compile("|".join(f"(?:{p})" for p in _FURNITURE), re.IGNORECASE)
#: headings that start a block of teasers (related articles): the block is dropped
_TEASER_HEAD = re.compile(
    r"^(?:related(?: coverage| articles| stories| posts| news)?|more (?:from|on) [\w ]+|"
    r"recommended(?: for you)?|you may also like|read next|latest briefs|most read)\s*:?$",
    re.IGNORECASE,
)
#: a site header: "Friday, July 1st | 2 Tammuz 5782", "Home | News | Opinion"
_SEPARATED = re.compile(r"\s[|•·»]\s")
_SENTENCE_END = re.compile(r"[.!?:;\"”’)]$")


@dataclass
class CaptureText:
    """What the filter kept, what it dropped, and the metadata it read."""

    text: str
    dropped: list[str] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    date: str | None = None  # the dateline as written
    site: str | None = None


def looks_like_capture(text: str) -> bool:
    """Whether a text file has the furniture of a web page copied as text."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    hits = sum(1 for ln in lines if _FURNITURE_RE.search(ln) or _TEASER_HEAD.match(ln))
    return hits >= 2


def _is_heading(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 20 and not _SENTENCE_END.search(line)


def filter_capture(text: str) -> CaptureText:
    """Drop a raw capture's furniture (module docstring); paragraphs kept as they are."""
    lines = [ln.strip() for ln in text.splitlines()]
    keep: list[str] = []
    result = CaptureText(text="")
    seen_prose = False
    in_teasers = False
    for line in lines:
        if not line:
            continue
        if in_teasers:  # dated teaser titles and cut-off blurbs until the prose comes back
            if DATELINE.match(line) or _is_heading(line) or line.endswith(("...", "…")):
                result.dropped.append(line)
                continue
            in_teasers = False
        if _TEASER_HEAD.match(line):
            in_teasers = True
            result.dropped.append(line)
            continue
        if _FURNITURE_RE.search(line) or (_SEPARATED.search(line) and len(line) < 120):
            result.dropped.append(line)
            continue
        m = _BYLINE.match(line)
        if m and not seen_prose:
            result.author = result.author or m.group("name").strip()
            result.dropped.append(line)
            continue
        if DATELINE.match(line) and not seen_prose:
            result.date = result.date or line
            result.dropped.append(line)
            continue
        m = _GLUED_SITE.match(line)
        if m:
            result.site = result.site or m.group("site")
            line = line[m.end() :]
        if not seen_prose and result.title is None and _is_heading(line):
            result.title = line
        if len(line.split()) >= 12 and _SENTENCE_END.search(line):
            seen_prose = True
        keep.append(line)
    result.text = "\n\n".join(keep) + "\n" if keep else ""
    return result
