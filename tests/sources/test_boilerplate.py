"""The boilerplate filter on the flagship's commentary capture: what must go, what must stay."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kingmaker.sources.boilerplate import filter_capture, looks_like_capture
from kingmaker.sources.readers import parse_document, read_document

SOURCES = Path(__file__).parents[2] / "src/kingmaker/data/scenarios/us-iraq-2020/sources"
CAPTURE = SOURCES / "carlin-2020.raw.txt"

MUST_GO = [
    "Friday, July 1st | 2 Tammuz 5782",  # the site's header on the day of the capture
    "avatar by Maya Carlin /",  # byline furniture (read as the author)
    "Related coverage",
    "June 30, 2022 11:26 am",  # a related article's date
    "Seven Notorious Fake Quotes and Misquotes About Israel",  # its title
    "A famous man once said",  # its teaser
    "The opinions presented by Algemeiner bloggers are solely theirs",
    "Share this Story: Share On Facebook Share On Twitter",
    "Let your voice be heard!",
    "Join the Algemeiner",
    "This site is protected by reCAPTCHA",
]
MUST_STAY = [
    "Tehran Meddles in US-Iraq Strategic Talks",
    "Photo: Iraqi Parliament Media Office / Handout via Reuters.",
    "US and Iraqi officials began a series of talks on June 11",
    "Iraq has recently witnessed a surge in cases",
    "was sworn in last month as prime minister",
    "Particularly, the prime minister has cracked down on Iranian-backed militias",
    "Tehran has been straining to insert itself into the US-Iraq conversation.",
    "the Americans won’t stay in Iraq and Syria and will be expelled",
    "Days before talks were set to commence, a rocket landed inside Baghdad Airport",
    "Iran will attempt to influence the outcome.",
    "Maya Carlin is an analyst at the Center for Security Policy",
]


@pytest.fixture(scope="module")
def cleaned():
    return filter_capture(CAPTURE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("line", MUST_GO)
def test_furniture_goes(cleaned, line):
    assert line not in cleaned.text


@pytest.mark.parametrize("line", MUST_STAY)
def test_article_stays(cleaned, line):
    assert line in cleaned.text


def test_site_prefix_glued_to_the_first_paragraph_is_cut(cleaned):
    assert "JNS.orgUS" not in cleaned.text
    assert cleaned.site == "JNS.org"


def test_metadata_of_the_capture():
    doc = read_document(CAPTURE)
    assert doc.kind == "capture"
    assert doc.title == "Tehran Meddles in US-Iraq Strategic Talks"
    assert doc.author == "Maya Carlin"
    assert doc.date == "2020-06-24"


def test_the_brief_loses_only_its_closing_link():
    raw = (SOURCES / "epc-brief.raw.txt").read_text(encoding="utf-8")
    doc = read_document(SOURCES / "epc-brief.raw.txt")
    assert "Latest Briefs" not in doc.text
    assert len(doc.text) > 0.98 * len(raw) - 100
    assert doc.text.startswith("The call by the US Secretary of State Mark Pompeo in April 2020")


def test_plain_prose_is_not_a_capture():
    text = "A short note.\n\nIt says nothing about navigation. Join us? No.\n"
    assert not looks_like_capture(text)
    assert parse_document("note.txt", text.encode()).text.startswith("A short note.")


def test_markdown_title_and_html_main_text():
    md = parse_document("a.md", b"# The title\n\nSome text about Iraq.\n")
    assert md.title == "The title" and "Some text about Iraq." in md.text
    html = (
        "<html><head><title>Talks open</title><meta name='author' content='Jane Doe'>"
        "<meta property='article:published_time' content='2020-06-12'></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav><article><h1>Talks open</h1>"
        + "<p>US and Iraqi officials began a series of talks on June 11 in a strategic "
        "dialogue on military, trade and economic cooperation between the two countries.</p>"
        * 3
        + "</article><footer>Subscribe to our newsletter</footer></body></html>"
    )
    doc = parse_document("page.html", html.encode())
    assert doc.kind == "html"
    assert "began a series of talks" in doc.text and "Subscribe" not in doc.text
    assert doc.title == "Talks open" and doc.author == "Jane Doe" and doc.date == "2020-06-12"


def test_docx_and_pdf(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.core_properties.title = "A brief"
    d.core_properties.author = "An Author"
    d.add_paragraph("Iran views the strategic dialogue with great caution.")
    d.save(tmp_path / "b.docx")
    doc = read_document(tmp_path / "b.docx")
    assert doc.kind == "docx" and doc.title == "A brief" and doc.author == "An Author"
    assert "great caution" in doc.text
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.set_title("A PDF brief")
    pdf.multi_cell(0, 10, "Iran views the strategic dialogue with great caution.")
    pdf.output(str(tmp_path / "b.pdf"))
    doc = read_document(tmp_path / "b.pdf")
    assert doc.kind == "pdf" and doc.title == "A PDF brief" and "great caution" in doc.text


@pytest.mark.parametrize("source", ["carlin-2020", "epc-brief"])
def test_flagship_clean_texts_are_made_by_the_code(source):
    """The flagship's cleaned texts are the readers' output on the raw captures, unedited."""
    doc = read_document(SOURCES / f"{source}.raw.txt")
    assert (SOURCES / f"{source}.txt").read_text(encoding="utf-8") == doc.text


#: SHA-256 of the two seed documents as captured (../shared/seeds/000_*.txt, 002_*.txt)
SEED_SHA256 = {
    "epc-brief": "995db9185d9d2532d9aa3d8b608b3f16a4c54d1f4e955a2800323b3fa92c5c90",
    "carlin-2020": "bc7ebfff8406ab1b03e0b9955b24e0f203015f721a6a29482661ff1c95156398",
}


@pytest.mark.parametrize("source", sorted(SEED_SHA256))
def test_flagship_raw_captures_are_the_seed_documents(source):
    """The raw captures are kept byte for byte as the seeds were captured (no hand cleaning)."""
    data = (SOURCES / f"{source}.raw.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SEED_SHA256[source]


def test_a_capture_keeps_its_dropped_lines_apart_from_its_url():
    doc = read_document(CAPTURE)
    assert doc.url is None
    assert "Related coverage" in doc.dropped
