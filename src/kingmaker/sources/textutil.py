"""Normalisation and sentence splitting of source texts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..scenario.evidence import normalise as normalise_for_quotes

__all__ = ["Sentence", "clean_whitespace", "normalise_for_quotes", "sentences"]

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "maj", "col", "lt", "capt", "sgt", "adm", "gov",
    "sen", "rep", "st", "jr", "sr", "no", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}  # fmt: skip
# a sentence ends at . ! ? (and a closing quote or bracket) followed by space and a capital,
# digit or opening quote
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a source: its text and where it starts (character offset)."""

    text: str
    start: int
    paragraph: int


def clean_whitespace(text: str) -> str:
    """NFC, soft hyphens and zero-width characters dropped, blank-line separated paragraphs,
    no trailing spaces; the text otherwise untouched (quotes are checked against it)."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub("[\u00ad\u200b\u200c\u200d\u2060\ufeff]", "", text)
    text = text.replace("\u00a0", " ")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n", text)]
    return "\n\n".join(p for p in paragraphs if p) + "\n"


def sentences(text: str) -> list[Sentence]:
    """The sentences of a text, paragraph by paragraph (a paragraph never spans sentences)."""
    out: list[Sentence] = []
    offset = 0
    for k, para in enumerate(text.split("\n\n")):
        pos = 0
        start = 0
        for m in _BOUNDARY.finditer(para):
            before = para[start : m.start()].rstrip("\"'\u201d\u2019)]")
            last = before.rsplit(None, 1)[-1].rstrip(".").lower() if before.split() else ""
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
            chunk = para[start : m.start()].strip()
            if chunk:
                out.append(Sentence(chunk, offset + start, k))
            start = m.end()
        pos = start
        chunk = para[pos:].strip()
        if chunk:
            out.append(Sentence(chunk, offset + pos, k))
        offset += len(para) + 2
    return out
