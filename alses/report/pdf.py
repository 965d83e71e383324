"""The PDF of a document, derived from its HTML (one WeasyPrint path for the report, the
detailed tables and the territory sheets; PDF/UA-1, tagged).

Two things cost WeasyPrint most of its time on these documents and say nothing a
reader of the PDF sees (docs/performance.md, « Rendu des documents »):

- the provenance tags of the HTML (`<span class="n" data-src="…">` around every printed
  number, `<span class="pop" data-ind="…">` around every population), unstyled, which
  the tests and analysts read in the HTML: in the PDF each was one more inline box and
  one more structure element. The PDF's source drops the tag and keeps its text;
- the text of the SVG charts: WeasyPrint 70 lays out and draws every letter of an SVG
  `<text>` on its own, and wraps each anchored text (`text-anchor` middle or end) in a
  form XObject. Our charts' texts are simple (one x, one y, no dx/dy/rotate, no
  letter-spacing): for those, `_texte_svg` lays the string out once, shifts it by its
  own width for the anchor (what WeasyPrint does with the XObject's bounding box) and
  draws it as one run — the PDF's source names the anchor `data-ancre` so that
  WeasyPrint does not build the XObject. Any other SVG text goes through WeasyPrint's
  own code. The HTML files are untouched.

And the documents a process renders share one font configuration."""

from __future__ import annotations

import importlib
import re
from math import inf
from pathlib import Path

#: The WeasyPrint version `_texte_svg` was written against (pyproject.toml pins it);
#: with another one, WeasyPrint's own SVG text code is used.
WEASYPRINT = "70.0"

_PROVENANCE = re.compile(r'<span class="(?:n|pop)" data-(?:src|ind)="[^"<>]*">([^<]*)</span>')
_ANCRE = re.compile(r'(<text x="[-0-9.]+" y="[-0-9.]+") text-anchor="(middle|end)"')
_SIMPLE = re.compile(r"-?[0-9.]+")
_COMPLEXES = ("dx", "dy", "rotate", "letter-spacing", "textLength", "direction")
_COMPLEXES += ("display-anchor", "dominant-baseline", "alignment-baseline", "text-anchor")


def source_pdf(html: str) -> str:
    """The HTML WeasyPrint lays out for the PDF: the same document without the
    provenance tags' markup, chart anchors named for `_texte_svg`."""
    return _ANCRE.sub(r'\1 data-ancre="\2"', _PROVENANCE.sub(r"\1", html))


_installe = False


def installer() -> bool:
    """Route WeasyPrint's SVG <text> through `_texte_svg` (once per process); False,
    and nothing changed, with a WeasyPrint other than `WEASYPRINT`."""
    global _installe, _stock
    import weasyprint

    if _installe or weasyprint.__version__ != WEASYPRINT:
        return _installe
    svg = importlib.import_module("weasyprint.svg")
    _stock = importlib.import_module("weasyprint.svg.text").text
    svg.text = _texte_svg  # draw_node compares a tag's function with this name
    for tag, fonction in list(svg.TAGS.items()):
        if fonction is _stock:
            svg.TAGS[tag] = _texte_svg
    _installe = True
    return True


_stock = None


def _texte_svg(svg, node, font_size):
    """WeasyPrint's svg.text.text for a simple <text>: one layout, one run."""
    attrib = node.attrib
    if not node.text:
        return _stock(svg, node, font_size)  # nothing to draw, the cursor moves
    if (
        any(a in attrib for a in _COMPLEXES)
        or not _SIMPLE.fullmatch(attrib.get("x", "0").strip())
        or not _SIMPLE.fullmatch(attrib.get("y", "0").strip())
    ):
        if "data-ancre" in attrib:  # only source_pdf writes it, on simple texts
            raise ValueError(f"texte SVG ancré non simple : {dict(attrib)}")
        return _stock(svg, node, font_size)
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.draw.text import draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import Style, TextBox
    from weasyprint.svg.utils import size
    from weasyprint.text.line_break import split_first_line

    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [
        f.strip("\"'") for f in node.get("font-family", "sans-serif").split(",")
    ]
    style["font_style"] = node.get("font-style", "normal")
    poids = node.get("font-weight", 400)
    poids = {"normal": 400, "bold": 700}.get(poids, poids)
    try:
        style["font_weight"] = int(poids)
    except ValueError:
        style["font_weight"] = 400
    style["font_size"] = font_size
    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)
    x = size(attrib["x"], font_size, svg.inner_width) if "x" in attrib else None
    y = size(attrib["y"], font_size, svg.inner_height) if "y" in attrib else None
    if x is not None:
        svg.cursor_d_position[0] = 0
    if y is not None:
        svg.cursor_d_position[1] = 0
    x = svg.cursor_position[0] if x is None else x
    y = svg.cursor_position[1] if y is None else y
    svg.cursor_position = x + width, y
    ancre = attrib.get("data-ancre")
    decalage = width if ancre == "end" else width / 2 if ancre == "middle" else 0
    x_position = x + svg.cursor_d_position[0] - decalage
    y_position = y + svg.cursor_d_position[1]
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box,
        (
            (x_position, y_position - baseline),
            (x_position + width, y_position - baseline + height),
        ),
    )
    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    boite = TextBox(layout, style)
    boite.baseline = baseline
    draw_first_line(
        svg.stream, boite, "none", "none", Matrix(a=1, d=-1, e=x_position, f=y_position)
    )
    svg.stream.end_text()
    svg.stream.pop_state()


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

    installer()
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
