"""Reading a document (HTML, PDF, DOCX, text or Markdown) into its main text and metadata.

Every file is read through :mod:`kingmaker.scenario.text` (regular files only, the input size
cap); text formats are decoded by its rules too (UTF-8 or a byte-order mark, no NUL). A
document with no main text is refused, not stored empty.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from ..errors import ScenarioError
from ..scenario.text import decode_text, read_bytes
from . import SourceError
from .boilerplate import filter_capture, looks_like_capture
from .textutil import clean_whitespace

__all__ = ["KINDS", "Document", "detect_kind", "parse_document", "read_document"]

KINDS = ("html", "pdf", "docx", "capture", "text", "markdown")
_EXT = {
    ".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".docx": "docx",
    ".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text",
}  # fmt: skip


@dataclass
class Document:
    """A document's main text and what it says about itself."""

    name: str
    kind: str
    text: str
    raw: bytes
    title: str | None = None
    author: str | None = None
    date: str | None = None  # ISO (YYYY, YYYY-MM or YYYY-MM-DD) when it could be read
    site: str | None = None
    url: str | None = None  # where the document was captured from, when it says or is told
    dropped: list[str] = field(default_factory=list)

    @property
    def raw_sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def _fail(name: str, message: str) -> NoReturn:
    raise SourceError(f"{name}: {message}")


def detect_kind(name: str, data: bytes) -> str:
    """The document's format, from its first bytes and then its extension."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if Path(name).suffix.lower() == ".docx" or b"word/" in data[:4096]:
            return "docx"
        _fail(name, "is a ZIP archive but not a Word (.docx) document")
    kind = _EXT.get(Path(name).suffix.lower())
    if kind is None and re.match(rb"(?i)<(?:!doctype html|html|head|body)\b", head):
        return "html"
    return kind or "text"


def iso_date(value: str | None) -> str | None:
    """A written date (``June 24, 2020 5:20 am``, ``2020-06-24T10:00``, ``D:20200624``) as ISO."""
    if not value:
        return None
    value = value.strip()
    m = re.match(r"^D?:?(\d{4})(\d{2})(\d{2})", value)  # PDF dates
    if m and not re.match(r"^\d{4}-", value):
        return f"{m[1]}-{m[2]}-{m[3]}"
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:$|[T ])", value)
    if m:
        return "-".join(p for p in m.groups() if p)
    from .timeline import parse_date

    found = parse_date(value)
    return found.iso if found and found.year == "written" else None


def _html(name: str, data: bytes) -> Document:
    import trafilatura

    html = decode_text(data, name)
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, favor_precision=True
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or len(text.split()) < 5:
        _fail(name, "is an HTML page with no main text (nothing but navigation or scripts?)")
    return Document(
        name,
        "html",
        clean_whitespace(text),
        data,
        title=getattr(doc, "title", None),
        author=getattr(doc, "author", None),
        date=iso_date(getattr(doc, "date", None)),
        site=getattr(doc, "sitename", None) or getattr(doc, "hostname", None),
        url=getattr(doc, "url", None),
    )


def _pdf(name: str, data: bytes) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _fail(name, "is an encrypted PDF; save a copy without a password")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        _fail(name, f"is not a readable PDF ({exc})")
    # a word hyphenated at a line end is joined; lines of a paragraph are joined
    text = "\n\n".join(pages)
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    text = re.sub(r"(?<![.!?:\n])\n(?!\n)", " ", text)
    if not text.strip():
        _fail(name, "is a PDF with no text layer (a scan?); run OCR on it first")
    title = author = date = None
    if meta is not None:
        title = meta.get("/Title") or None
        author = meta.get("/Author") or None
        date = iso_date(str(meta.get("/CreationDate") or "")) or None
    return Document(
        name, "pdf", clean_whitespace(text), data, title=title, author=author, date=date
    )


def _docx(name: str, data: bytes) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        _fail(name, f"is not a readable Word document ({exc})")
    text = "\n\n".join(p.text for p in document.paragraphs if p.text.strip())
    if not text.strip():
        _fail(name, "is a Word document with no text")
    props = document.core_properties
    created = props.created.date().isoformat() if props.created else None
    return Document(
        name,
        "docx",
        clean_whitespace(text),
        data,
        title=props.title or None,
        author=props.author or None,
        date=created,
    )


def _text(name: str, data: bytes, kind: str) -> Document:
    text = decode_text(data, name)
    if not text.strip():
        _fail(name, "is empty")
    title = author = date = site = None
    dropped: list[str] = []
    if kind == "markdown":
        m = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
        title = m.group(1).strip() if m else None
        text = re.sub(r"^#{1,6}\s+", "", text, flags=re.MULTILINE)
    cap = filter_capture(text)
    if kind != "markdown":  # the filter drops only furniture lines, so it runs on every text
        text, dropped = cap.text, cap.dropped
        author, site = cap.author, cap.site
        date = iso_date(cap.date)
        if looks_like_capture("\n".join(cap.dropped)) or cap.site or cap.author:
            kind, title = "capture", cap.title
    if not text.strip():
        _fail(name, "has no main text once its web-page furniture is dropped")
    return Document(
        name,
        kind,
        clean_whitespace(text),
        data,
        title=title,
        author=author,
        date=date,
        site=site,
        dropped=dropped,
    )


def parse_document(name: str, data: bytes) -> Document:
    """A document from its bytes; ``name`` gives the extension and the name in messages."""
    if not data.strip():
        _fail(name, "is empty")
    kind = detect_kind(name, data)
    try:
        if kind == "html":
            return _html(name, data)
        if kind == "pdf":
            return _pdf(name, data)
        if kind == "docx":
            return _docx(name, data)
        return _text(name, data, kind)
    except ScenarioError as exc:  # the text reader's refusals: binary, encoding, NUL
        raise SourceError(str(exc.problems[0]) if exc.problems else str(exc)) from None


def read_document(path: str | Path) -> Document:
    """A document read from a file (see the module docstring)."""
    path = Path(path)
    try:
        data = read_bytes(path)
    except ScenarioError as exc:
        raise SourceError(str(exc.problems[0])) from None
    return parse_document(str(path), data)
