"""HTML to PDF with WeasyPrint, for the steering brief and the journey view.

WeasyPrint fetches what a document points at; ours point at nothing but data: URIs (a drawing
read in memory). Its fetcher here allows only those, so no text typed into a map can make the
server read a file or call an address. The metadata holds the title given and nothing else
(no author, description or keywords from the HTML).
"""

from __future__ import annotations


def fetcher():
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def html_to_pdf(html: str, css: str, *, title: str) -> bytes:
    """`html` with `css` (text, never a URL) as a PDF whose metadata title is `title`."""
    import weasyprint  # slow to import (Pango, fonts); only downloads need it

    url_fetcher = fetcher()
    document = weasyprint.HTML(string=html, url_fetcher=url_fetcher, base_url=None)
    rendered = document.render(stylesheets=[weasyprint.CSS(string=css, url_fetcher=url_fetcher)])
    metadata = rendered.metadata
    metadata.title = title
    metadata.authors = []
    metadata.description = None
    metadata.keywords = []
    metadata.generator = "journeymap"
    return rendered.write_pdf()
