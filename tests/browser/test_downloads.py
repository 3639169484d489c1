"""Downloads as a person takes them: the buttons of the silo map, the brief and the Data page,
caught by the browser, and the files checked to open (the PNG decodes in Chromium and in Pillow,
the brief PDF is one page that poppler renders); then the JSON file uploaded on the import page
becomes a new map that exports the same file again."""

from __future__ import annotations

import base64
import io
import re
import subprocess

import pytest
from PIL import Image
from playwright.sync_api import expect

from journeymap.samples import demo
from tests.browser.conftest import give_map

pytestmark = pytest.mark.browser


def _download(page, button) -> tuple[str, bytes]:
    """Click a download button; (the file name the server suggested, the file's bytes)."""
    # Generous: the first PNG or PDF of a run pays for starting cairo, fonts and WeasyPrint.
    # The click waits for the navigation the form starts, which is the download: as long as it.
    with page.expect_download(timeout=30_000) as info:
        button.click(timeout=30_000)
    download = info.value
    assert download.failure() is None, download.failure()
    return download.suggested_filename, download.path().read_bytes()


def _run(*command) -> str:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, check=True).stdout


def test_silo_png_and_brief_pdf_download_and_open(ui, app_page, tmp_path, problems):
    page = app_page
    map_id = give_map(tmp_path, "fran@example.org", demo.load_demo)
    page.goto(ui.url(f"/maps/{map_id}/silo"))
    downloads = page.get_by_role("form").filter(has=page.get_by_role("heading", name="Download this drawing"))
    expect(downloads.get_by_label("De-identified")).to_be_checked()

    name, png = _download(page, downloads.get_by_role("button", name="PNG", exact=True))
    assert name == f"journeymap-{map_id}-silo-map.png"
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    # It opens in the browser: decoded as an <img> from a data: URL (the CSP allows data: images).
    size = page.evaluate(
        """(src) => new Promise((done) => {
            const img = new Image();
            img.onload = () => done([img.naturalWidth, img.naturalHeight]);
            img.onerror = () => done(null);
            img.src = src;
        })""",
        "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
    )
    assert size is not None, "Chromium could not decode the PNG"
    # And in Pillow, to the same size; a silo map of nine agencies is not a thumbnail.
    with Image.open(io.BytesIO(png)) as image:
        image.verify()
    with Image.open(io.BytesIO(png)) as image:
        assert list(image.size) == size
        assert min(image.size) > 300, image.size
        assert len(image.getcolors(maxcolors=1_000_000) or range(1_000_001)) > 4  # not blank

    # The brief: one page, as its own page says, that poppler can draw.
    ui.nav("Brief")
    expect(page.get_by_role("heading", name=re.compile("Steering brief"))).to_be_visible()
    # Printed from the browser, as the page says: one page, and without the app's header (where
    # the signed-in person's name is).
    for paper in ("A4", "Letter"):
        printed = tmp_path / f"printed-{paper}.pdf"
        printed.write_bytes(page.pdf(format=paper, print_background=True))
        assert re.search(r"^Pages:\s+1$", _run("pdfinfo", printed), re.M), paper
        text = _run("pdftotext", printed, "-")
        assert "Steering brief" in text and "Fran" not in text and "Download the brief" not in text
    brief_form = page.locator("form.brief-download")
    expect(brief_form.get_by_label("De-identified")).to_be_checked()
    name, pdf = _download(page, brief_form.get_by_role("button", name="Download the brief (PDF)"))
    assert name == f"journeymap-{map_id}-brief.pdf"
    assert pdf.startswith(b"%PDF")
    path = tmp_path / name
    path.write_bytes(pdf)
    info = _run("pdfinfo", path)
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-singlefile", str(path), str(tmp_path / "brief")],
                   capture_output=True, check=True)
    with Image.open(tmp_path / "brief.png") as rendered:
        width, height = rendered.size
        assert 250 < width < height, rendered.size  # a portrait page at 40 dpi
        assert len(rendered.getcolors(maxcolors=1_000_000) or range(1_000_001)) > 4

    # Both downloads are in the history, de-identified.
    ui.nav("History")
    history = page.locator("ol.history")
    expect(history).to_contain_text("Steering brief (PDF) download, de-identified")
    expect(history).to_contain_text("Silo map (PNG) download, de-identified")

    # The presentation has no site header, where the presenter's own name is.
    page.goto(ui.url(f"/maps/{map_id}/present"))
    expect(page.get_by_role("link", name="Back to the map")).to_be_visible()
    expect(page.locator(".signed-in-as")).to_have_count(0)
    problems.check()


def test_json_download_then_import_makes_the_same_map(ui, app_page, tmp_path, problems):
    page = app_page
    map_id = give_map(tmp_path, "fran@example.org", demo.load_demo)
    page.goto(ui.url(f"/maps/{map_id}"))
    ui.nav("Data")
    page.get_by_role("radio", name=re.compile("Full detail")).check()
    name, first = _download(page, page.get_by_role("button", name="Whole map (JSON)"))
    assert name == f"journeymap-{map_id}.json"
    file = tmp_path / name
    file.write_bytes(first)

    # A file that is not a journeymap export is refused next to the field.
    problems.allow(422, r"/maps/import$")
    page.get_by_role("link", name="Import a map from a file").click()
    expect(page.get_by_role("heading", name="Import a map")).to_be_visible()
    not_json = tmp_path / "notes.json"
    not_json.write_text("pseudonym,situation\n", encoding="utf-8")
    page.get_by_label("A journeymap JSON file").set_input_files(str(not_json))
    page.get_by_role("button", name="Import as a new map").click()
    field = page.get_by_label("A journeymap JSON file")
    expect(field).to_have_attribute("aria-invalid", "true")
    error = page.locator("#import-file-error")
    expect(error).to_contain_text("This file cannot be imported: it is not valid JSON")

    # The real file becomes a new map, with me as its facilitator.
    field.set_input_files(str(file))
    page.get_by_role("button", name="Import as a new map").click()
    page.wait_for_url(re.compile(r"/maps/\d+$"))
    new_id = int(page.url.rsplit("/", 1)[1])
    assert new_id != map_id
    expect(page.locator(".family-name")).to_have_text(demo.PSEUDONYM)
    ui.nav("Members")
    expect(page.locator("main")).to_contain_text("Facilitator")

    # Exported again, it is the same file.
    ui.nav("Data")
    page.get_by_role("radio", name=re.compile("Full detail")).check()
    name, again = _download(page, page.get_by_role("button", name="Whole map (JSON)"))
    assert name == f"journeymap-{new_id}.json"
    assert again == first
    problems.check()
