"""A facilitator prints the steering brief in Spanish (issue 11, point 1): the brief's PDF chosen in
Spanish from an English page (which stays English), and the page itself read and printed in Spanish
after the language switch. Both stay one page."""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import expect

from journeymap.samples import demo
from tests.browser.conftest import give_map

pytestmark = pytest.mark.browser


def _run(*command) -> str:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, check=True).stdout


def _text_and_pages(path) -> tuple[str, int]:
    pages = int(re.search(r"^Pages:\s+(\d+)$", _run("pdfinfo", path), re.M).group(1))
    return " ".join(_run("pdftotext", path, "-").split()), pages


def test_a_facilitator_prints_the_brief_in_spanish(ui, app_page, tmp_path, problems):
    page = app_page
    map_id = give_map(tmp_path, "fran@example.org", demo.load_demo)
    page.goto(ui.url(f"/maps/{map_id}/brief"))
    expect(page.get_by_role("heading", name=re.compile("^Steering brief"))).to_be_visible()

    # From the English page, the download in Spanish: the family reads it.
    form = page.locator("form.brief-download")
    language = form.get_by_label("Language of the download")
    expect(language).to_have_value("en")  # the facilitator's own language to begin with
    language.select_option("es")
    # Generous, as test_downloads.py's: the first PDF of a run pays for starting WeasyPrint (and
    # on a shared, busy machine the wait was past 30 s).
    with page.expect_download(timeout=90_000) as info:
        form.get_by_role("button", name="Download the brief (PDF)").click(timeout=90_000)
    path = tmp_path / "brief-es.pdf"
    info.value.save_as(path)
    text, pages = _text_and_pages(path)
    assert pages == 1
    # Group headings are set in capitals by the stylesheet; pdftotext gives them so.
    assert "Informe para el comité" in text and "del lado de la familia" in text.lower(), text[:400]
    assert "Steering brief" not in text and "the family's side" not in text.lower()
    # The page around the download is still the facilitator's English.
    expect(page.get_by_role("heading", name=re.compile("^Steering brief"))).to_be_visible()

    # The page in Spanish, with the switch in the header, printed from the browser.
    page.get_by_role("button", name="Español").click()
    heading = page.get_by_role("heading", name=re.compile("^Informe para el comité"))
    expect(heading).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("form.brief-download").get_by_label("Idioma de la descarga")).to_have_value("es")
    printed = tmp_path / "printed-es.pdf"
    printed.write_bytes(page.pdf(format="Letter", print_background=True))
    text, pages = _text_and_pages(printed)
    assert pages == 1
    assert "Informe para el comité" in text and "¿A quién le toca?" in text, text[:400]
    assert "Descargar el informe" not in text  # the tools are not printed
