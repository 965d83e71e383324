"""The PDF of a document, derived from its HTML (one WeasyPrint path for the report, the
detailed tables and the territory sheets; PDF/UA-1, tagged).

The provenance tags of the HTML (`<span class="n" data-src="…">` around every printed
number, `<span class="pop" data-ind="…">` around every population), unstyled, which the
tests and analysts read in the HTML, say nothing a reader of the PDF sees: in the PDF
each was one more inline box and one more structure element, a large share of
WeasyPrint's time on these documents. The PDF's source drops the tag and keeps its
text; the HTML files are untouched. The documents a process renders share one font
configuration."""

from __future__ import annotations

import re
from pathlib import Path

_PROVENANCE = re.compile(r'<span class="(?:n|pop)" data-(?:src|ind)="[^"<>]*">([^<]*)</span>')


def source_pdf(html: str) -> str:
    """The HTML WeasyPrint lays out for the PDF: the same document without the
    provenance tags' markup."""
    return _PROVENANCE.sub(r"\1", html)


_polices = None


def _configuration_polices():
    """One WeasyPrint FontConfiguration per process, shared by its documents: Pango's
    font caches stay warm from one document to the next (≈ 20 % of the CPU time of a
    run's documents). Made at the first document, in the process that renders it (a
    pool worker, never the server it is forked from)."""
    global _polices
    if _polices is None:
        from weasyprint.text.fonts import FontConfiguration

        _polices = FontConfiguration()
    return _polices


def document(html: str):
    """The laid-out WeasyPrint document of an HTML text (PDF/UA-1)."""
    from weasyprint import HTML

    return HTML(string=source_pdf(html)).render(
        pdf_variant="pdf/ua-1", font_config=_configuration_polices()
    )


def ecrire(html: str, dossier: Path, nom: str, mise_en_page=None) -> tuple[Path, Path]:
    """Write `<nom>.html` and its PDF (PDF/UA-1) `<nom>.pdf` in `dossier`; the PDF from
    `mise_en_page` when the caller has laid the document out already (`document`)."""
    dossier.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = dossier / f"{nom}.html", dossier / f"{nom}.pdf"
    html_path.write_text(html, encoding="utf-8")
    (mise_en_page or document(html)).write_pdf(pdf_path, pdf_variant="pdf/ua-1")
    return html_path, pdf_path
