"""The annual report and the territory sheets: every number comes from the marts, every
sentence names its real population and narrates only what is beyond the noise, small
cells are not printed, the layout holds in print (no split rows or charts, no heading
alone at a page foot, no overlapping chart text), French typography, accessibility.

The report is rendered once per session (module fixtures)."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import duckdb
import pandas as pd
import pytest
from markupsafe import Markup, escape

from alses.comparaisons import ALPHA
from alses.report.build import render
from alses.report.data import TERRITOIRES, load
from alses.report.phrases import fmt
from alses.secret import DEFINITION, MARQUE

ANNEE = "2021-2022"


@pytest.fixture(scope="module")
def report(demo_warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    text, document = render(demo_warehouse, ANNEE)
    html_path = out / f"rapport_alses_{ANNEE}.html"
    pdf_path = out / f"rapport_alses_{ANNEE}.pdf"
    html_path.write_text(text, encoding="utf-8")
    document.write_pdf(pdf_path, pdf_variant="pdf/ua-1")
    return demo_warehouse, html_path, pdf_path, document


@pytest.fixture(scope="module")
def data(demo_warehouse):
    return load(demo_warehouse, ANNEE)


@pytest.fixture(scope="module")
def mart(demo_warehouse):
    """marts.indicateurs as stored (before the disclosure rule), by cell."""
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        rows = con.execute("select * from marts.indicateurs").df()
    return {
        (r.annee_scolaire, r.perimetre, r.territoire_code, r.indicateur, r.modalite): r
        for _, r in rows.iterrows()
    }


MARQUES = re.compile(r'<span class="secret"(?: data-secret="([^"]*)")?>(.*?)</span>')


def marques_conformes(html: str, data, hors_entrepot: bool = False) -> list[str]:
    """Every mark printed in `html` is the one public mark and stands for a cell the
    recorded suppression hides (marts.secret_statistique, as the report loads it): the
    cells it names, or [] when the document prints none. `hors_entrepot`: marks of
    cells that are not in marts.indicateurs (a sheet's fill rates by structure) are
    allowed, untagged."""
    pub = data.indicateurs
    masquees = {
        "|".join(k)
        for k in pub.loc[
            pub["secret_statistique"].notna(),
            ["perimetre", "territoire_code", "indicateur", "modalite"],
        ]
        .astype(str)
        .itertuples(index=False, name=None)
    }
    trouvees = MARQUES.findall(html)
    assert all(texte == MARQUE for _, texte in trouvees)
    cles = [cle for cle, _ in trouvees if cle or not hors_entrepot]
    assert all(cle in masquees for cle in cles), set(cles) - masquees
    return cles


class Phrases(HTMLParser):
    """Tagged numbers (span.n), populations (span.pop) and sentences (.phrase)."""

    def __init__(self):
        super().__init__()
        self.tagged: list[tuple[str, str]] = []
        self.phrases: list[dict] = []
        self._stack: list[tuple[str, dict]] = []
        self._num: list[str] | None = None
        self._pop: list[str] | None = None
        self._phrase: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._stack.append((tag, attrs))
        classes = (attrs.get("class") or "").split()
        if "phrase" in classes:
            self._phrase = {"ind": attrs.get("data-ind"), "text": [], "pops": [], "srcs": []}
        if tag == "span" and "n" in classes:
            self._num = []
        if tag == "span" and "pop" in classes:
            self._pop = []

    def handle_endtag(self, tag):
        attrs = {}
        while self._stack:
            open_tag, attrs = self._stack.pop()
            if open_tag == tag:
                break
        classes = (attrs.get("class") or "").split()
        if tag == "span" and "n" in classes and self._num is not None:
            self.tagged.append((attrs["data-src"], "".join(self._num)))
            if self._phrase is not None:
                self._phrase["srcs"].append(attrs["data-src"])
            self._num = None
        if tag == "span" and "pop" in classes and self._pop is not None:
            if self._phrase is not None:
                self._phrase["pops"].append((attrs["data-ind"], "".join(self._pop)))
            self._pop = None
        if "phrase" in classes and self._phrase is not None:
            self._phrase["text"] = "".join(self._phrase["text"])
            self.phrases.append(self._phrase)
            self._phrase = None

    def handle_data(self, data):
        for buf in (self._num, self._pop):
            if buf is not None:
                buf.append(data)
        if self._phrase is not None:
            self._phrase["text"].append(data if self._num is None else "#")


@pytest.fixture(scope="module")
def parsed(report):
    parser = Phrases()
    parser.feed(report[1].read_text(encoding="utf-8"))
    return parser


def test_every_printed_number_comes_from_the_mart(parsed, data):
    assert len(parsed.tagged) > 300
    publie = {
        (r.perimetre, r.territoire_code, r.indicateur, r.modalite): r
        for _, r in data.indicateurs.iterrows()
    }
    for src, text in parsed.tagged:
        perimetre, territoire, indicateur, modalite, champ = src.split("|")
        if champ in ("grappes", "reste_valeur", "ecart_points"):  # the tests' mart
            row = data.test(indicateur, modalite, perimetre, territoire)
            assert text == fmt(row, champ) and row.grappes >= 10, (src, text)
            continue
        row = publie[(perimetre, territoire, indicateur, modalite)]
        if champ == "evolution_points":
            assert text.rstrip("s").endswith(fmt(row, champ).lstrip("+−").rstrip("s")), src
        else:
            assert text == fmt(row, champ), (src, text)
    # In a sentence, every figure is a tagged mart cell (school years aside).
    for p in parsed.phrases:
        rest = re.sub(r"\b\d{4}-\d{4}\b|«\xa0[^»]*»", "", p["text"])
        if "insee" not in (p["ind"] or "") and "INSEE" not in rest:
            assert not re.search(r"\d", rest), p["text"]


def test_every_sentence_names_the_population_of_its_denominator(parsed, data):
    assert len(parsed.phrases) > 60
    avec_part = 0
    for p in parsed.phrases:
        for ind, text in p["pops"]:
            assert text == data.population(ind), (ind, text)
            if p["ind"]:
                assert ind == p["ind"], p["text"]
        # the numbers of a sentence belong to the indicator of its population
        inds = {ind for ind, _ in p["pops"]}
        for src in p["srcs"]:
            if src.split("|")[2] not in (
                "jeunes_accompagnes",
                "postes_alses",
                "educateurs_alses",
                "colleges_couverts",
            ):
                assert src.split("|")[2] in inds, (src, p["text"])
        if "%" in p["text"] or any("valeur" in s for s in p["srcs"]):
            avec_part += bool(p["pops"])
        assert "accompagnés par les ALSES (" not in p["text"]
    assert avec_part > 40


def test_changes_are_narrated_only_beyond_the_noise(parsed, mart, data):
    """An evolution is written only when the mart's year-on-year test (clustered by
    jeune, Holm across the modalities) finds it; never « proche » for a gap."""
    narrated = 0
    for p in parsed.phrases:
        assert "proche de celle" not in p["text"], p["text"]
        if " passe de " not in p["text"]:
            continue
        src = next(s for s in p["srcs"] if s.endswith("valeur"))
        perimetre, territoire, indicateur, modalite, _ = src.split("|")
        t = data.test(indicateur, modalite, perimetre, territoire)
        assert t.evolution_significative and t.p_valeur_evolution_holm < ALPHA, p["text"]
        now = mart[(ANNEE, perimetre, territoire, indicateur, modalite)]
        assert round(now.valeur, 1) != round(now.valeur_n_1, 1)
        narrated += 1
    assert narrated >= 1
    text = " ".join(p["text"] for p in parsed.phrases)
    assert "0,0\xa0point" not in text and "0,1\xa0points" not in text
    assert "écart non significatif (base\xa0: # jeunes)" in text


def test_territories_are_called_different_only_when_significant(parsed, data):
    seen = 0
    for p in parsed.phrases:
        if "Écarts significatifs" not in p["text"]:
            continue
        ind = p["ind"]
        comp = data.comparaisons[data.comparaisons.indicateur == ind]
        for src in p["srcs"]:
            perimetre, territoire, _, modalite, _ = src.split("|")
            if territoire == "NORD":
                continue
            row = comp[
                (comp.territoire_code == territoire)
                & (comp.modalite == modalite)
                & (comp.perimetre == perimetre)
            ].iloc[0]
            assert row.est_significatif and row.p_valeur_holm < ALPHA
        seen += 1
    assert seen >= 5


def test_no_small_cell_is_printed_below_the_departement(parsed, mart, report, data):
    small = []
    for src, text in parsed.tagged:
        perimetre, territoire, indicateur, modalite, _ = src.split("|")
        if territoire == "NORD" or indicateur in (
            "postes_alses",
            "educateurs_alses",
            "colleges_couverts",
        ):
            continue
        row = mart[(ANNEE, perimetre, territoire, indicateur, modalite)]
        for v in (row.numerateur, row.denominateur):
            if pd.notna(v) and 1 <= v <= 9:
                small.append((src, text))
    assert small == []
    html = report[1].read_text(encoding="utf-8")
    # Suppressed cells carry the one public mark, defined in the report, never « < 10 ».
    assert escape(DEFINITION) in html
    marques_conformes(html, data)
    assert not re.search("&lt;[ \xa0]10", html)


@pytest.fixture(scope="module")
def pdf_text(report):
    if not shutil.which("pdftotext"):
        pytest.skip(
            "pdftotext absent : installez-le avec `sudo apt-get install poppler-utils` "
            "(ou lancez .ci/run en root, qui l'installe)"
        )
    out = subprocess.run(
        ["pdftotext", "-layout", str(report[2]), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


ANGLAIS = r"\b(the|and|of|with|not|is|are|rank|level|theme|figure|None|nan|NaN|null|true|false)\b"


def test_pdf_text_has_no_missing_value_nor_english(pdf_text, report):
    assert len(pdf_text) > 20000
    html_text = re.sub(r"<[^>]+>", " ", report[1].read_text(encoding="utf-8"))
    for text in (pdf_text, html_text):
        assert not re.findall(r".{20}" + ANGLAIS + r".{20}", text)[:3]
    # decimal commas, spelled-out territories, capital accents
    body = re.sub(r"\b[1-3]\.[1-7]\b|\b\d{4}-\d{4}\b", "", pdf_text)
    assert not re.findall(r".{15}\d\.\d.{15}", body)[:3]
    assert not re.search(r"\b(CAM|DOU|VAL|SAM|VNE|LIL|FLA)\b", pdf_text)
    assert not re.search(r"\b(Etablissement|Ecoute|Education|Ecole)\b", pdf_text)


def test_french_typography_in_html(report):
    html = report[1].read_text(encoding="utf-8")
    text = re.sub(r"<style>.*?</style>|<[^>]+>", "", html, flags=re.S)
    assert not re.findall(r".{20}\d %.{5}", text)[:3]  # ordinary space before %
    assert not re.findall(r".{20}\w [:;?!](?=\s).{5}", text)[:3]
    assert not re.findall(r".{10}« .{10}| ».{10}", text)[:3]
    assert not re.search(r"\b\d+,\d\xa0points\b", re.sub(r"\b[2-9]\d*,\d|1\d+,\d", "", text))


def test_print_layout(report):
    """Main body within 40 pages; no table row or figure on two pages; no heading alone
    at the foot of a page; contents with page numbers."""
    *_, document = report
    pages = document.pages
    annexes = next(i for i, p in enumerate(pages) if "annexes" in p.anchors)
    assert annexes <= 40, annexes
    seen: dict[int, int] = {}
    for number, page in enumerate(pages):
        boxes = list(_descendants(page._page_box))
        for box in boxes:
            if box.element_tag in ("tr", "figure", "svg") and box.element is not None:
                if box.element_tag == "tr" and box.element[0].get("scope") == "col":
                    continue  # a table header, repeated on each page by design
                first = seen.setdefault(id(box.element), number)
                assert first == number, (
                    f"{box.element_tag} coupé entre les pages {first + 1} et {number + 1}"
                )
        blocks = [
            b
            for b in boxes
            if b.element_tag in ("h2", "h3", "h4", "p", "li", "figure", "table", "tr")
        ]
        if blocks and number < len(pages) - 1:
            last = max(
                blocks,
                key=lambda b: (b.position_y + b.height, b.element_tag not in ("h2", "h3", "h4")),
            )
            assert last.element_tag not in ("h2", "h3", "h4"), (
                f"titre seul en bas de la page {number + 1}"
            )
    from pypdf import PdfReader

    reader = PdfReader(report[2])
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    sommaire = reader.pages[1].extract_text()
    assert re.search(r"Conclusion\s*\.*\s*\d+", sommaire)


def _descendants(box):
    yield box
    for child in getattr(box, "children", []) or []:
        yield from _descendants(child)


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.skip(
            "Chromium absent : installez-le avec `sudo apt-get install chromium chromium-driver` "
            "(ou lancez .ci/run en root, qui l'installe)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1200,1600",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


OVERLAPS = """
const out = [];
document.querySelectorAll('svg').forEach((svg, k) => {
  const boxes = [...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect())
    .filter(b => b.width > 0);
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (w > 1 && h > 1) out.push([k, svg.querySelector('title').textContent]);
  }
});
return out;
"""


def test_html_in_chromium_no_overlap_and_accessible(report, browser):
    from axe_selenium_python import Axe

    _, html_path, _, _ = report
    browser.get(html_path.as_uri())
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    assert browser.execute_script(OVERLAPS) == []
    svgs = browser.execute_script(
        "return [...document.querySelectorAll('svg')].map(s => "
        "[s.querySelector('title')?.textContent, s.querySelector('desc')?.textContent])"
    )
    assert len(svgs) > 30
    for titre, desc in svgs:
        assert titre and desc and re.search(r"\d", desc), (titre, desc)
    assert browser.execute_script(
        "return [...document.querySelectorAll('table')]"
        ".every(t => t.caption && t.caption.textContent.trim())"
    )
    browser.set_script_timeout(180)
    axe = Axe(browser)
    axe.inject()
    results = axe.run()
    serious = [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_detailed_tables_hide_small_cells(data, mart):
    from alses.report.build import render_tableaux

    parser = Phrases()
    text = render_tableaux(data)
    parser.feed(text)
    assert len(parser.tagged) > 1000
    cles = marques_conformes(text, data)
    # The detailed tables show every territory cell of the ALSES scope: each
    # suppressed one is marked there.
    pub = data.indicateurs
    attendues = pub[
        pub["secret_statistique"].notna()
        & (pub["perimetre"] == "ALSES")
        & pub["indicateur"].isin({c.split("|")[2] for c in cles})
    ]
    assert len(cles) == len(attendues) > 0
    assert escape(DEFINITION) in text and "&lt;\xa010" not in text
    for src, shown in parser.tagged:
        perimetre, territoire, indicateur, modalite, champ = src.split("|")
        row = mart[(ANNEE, perimetre, territoire, indicateur, modalite)]
        assert shown == fmt(row, champ), src
        if territoire != "NORD":
            for v in (row.numerateur, row.denominateur):
                assert not (pd.notna(v) and 1 <= v <= 9), src


def test_territory_sheets(demo_warehouse, data, mart, tmp_path):
    from pypdf import PdfReader
    from weasyprint import HTML

    from alses.report.fiches import render_fiche

    for t in TERRITOIRES:
        text = render_fiche(data, t)
        parser = Phrases()
        parser.feed(text)
        assert len(parser.tagged) > 20
        for src, _shown in parser.tagged:
            perimetre, territoire, indicateur, modalite, champ = src.split("|")
            row = mart[(ANNEE, perimetre, territoire, indicateur, modalite)]
            if territoire != "NORD" and indicateur not in (
                "postes_alses",
                "educateurs_alses",
                "colleges_couverts",
            ):
                for v in (row.numerateur, row.denominateur):
                    assert not (pd.notna(v) and 1 <= v <= 9), src
        assert data.territoire_libelle(t) in text and "nan" not in text.lower().split()
        # built around its own significant gaps, structures by name
        for src, _shown in parser.tagged:
            perimetre, territoire, indicateur, modalite, champ = src.split("|")
            if champ in ("reste_valeur", "ecart_points"):
                assert territoire == t
                assert data.test(indicateur, modalite, perimetre, territoire).est_significatif
        assert "Ce qui distingue" in text or "ne s'écarte significativement" in text
        noms = [n for s, n in data.structures.items() if s in text or n in text]
        assert noms and not any(f">{s}<" in text for s in data.structures)
        if marques_conformes(text, data, hors_entrepot=True) or 'class="secret"' in text:
            assert escape(DEFINITION) in text
        if t in ("DOU", "VAL"):
            pdf = tmp_path / "fiche.pdf"
            HTML(string=text).write_pdf(pdf)
            assert len(PdfReader(pdf).pages) == 2


def test_one_loaded_year_renders_every_document_alike_in_any_order(data):
    """The render pool loads a year's marts once for all its documents
    (orchestration/rendus.py) and numbers each document's charts from 1: a report
    rendered after the sheets and tables of the same loaded data, or twice, is the
    same HTML."""
    from alses.report import charts
    from alses.report.build import render_html, render_tableaux
    from alses.report.fiches import render_fiche

    charts.reinitialiser()
    premier = render_html(data)
    for t in TERRITOIRES:
        render_fiche(data, t)
    render_tableaux(data)
    charts.reinitialiser()
    apres = render_html(data)
    assert 'id="c1-t"' in premier and premier.count("<svg") > 10
    assert apres == premier


def test_pdf_source_drops_only_provenance_markup():
    """The PDF is laid out from the HTML without its provenance tags
    (alses/report/pdf.py); everything else of the HTML stays."""
    from alses.report import pdf
    from alses.report.phrases import num

    ligne = {"perimetre": "ALSES", "territoire_code": "LIL", "indicateur": "sexe"}
    ligne["modalite"] = "F"
    html = Markup("<p>Part {} <span class='secret'>s</span></p>").format(
        num("44,0 %", ligne, "valeur")
    )
    assert 'data-src="ALSES|LIL|sexe|F|valeur"' in html
    source = pdf.source_pdf(str(html))
    assert source == "<p>Part 44,0 % <span class='secret'>s</span></p>"


def test_editorial_texts_cite_figures_only_through_placeholders(data):
    """The director's Markdown (alses/report/textes/chapitres/) types no figure by hand:
    every number is a placeholder resolved from the marts, and a wrong one is refused
    with its file and line."""
    from alses.report import editorial

    fichiers = sorted(editorial.DOSSIER.glob("*.md"))
    assert {f.stem for f in fichiers} >= {"chapitre-1", "chapitre-2", "chapitre-3", "conclusion"}
    for f in fichiers:
        texte = f.read_text(encoding="utf-8")
        assert editorial.PLACEHOLDER.search(texte), f.name
        for i, ligne in enumerate(editorial.PLACEHOLDER.sub("", texte).splitlines(), 1):
            assert not re.search(r"\d", ligne), f"{f.name}, ligne {i} : chiffre saisi à la main"
    resolu = editorial.resoudre(data, "essai.md", "Filles : {sexe:F}, PS {sexe:F:PS}.")
    assert 'data-src="ALSES|NORD|sexe|F|valeur"' in resolu
    assert 'data-src="PS|NORD|sexe|F|valeur"' in resolu
    for faux in ("{sexe:X}", "{sexe:F:LYON}", "{sexe:F}}", "{insee:inconnu}"):
        with pytest.raises(editorial.TexteInvalide, match=r"essai\.md, ligne 2 :"):
            editorial.resoudre(data, "essai.md", "Titre\n" + faux)


def test_a_chart_whose_bars_are_all_suppressed_is_not_drawn():
    from alses.report import charts
    from alses.secret import GRAPHIQUE_NON_TRACE, MARQUE

    ligne = {"code": "CAM", "libelle": "Cambrai", "valeur": None, "bas": None, "haut": None}
    tout_masque = charts.territoires_ic([{**ligne, "secret": True}] * 2, 40.0, "T", "D")
    assert "<svg" not in tout_masque and escape(GRAPHIQUE_NON_TRACE) in tout_masque
    publie = {**ligne, "code": "DOU", "valeur": 30.0, "bas": 20.0, "haut": 40.0}
    un_masque = charts.territoires_ic(
        [{**ligne, "secret": True}, {**publie, "secret": False}], 40.0, "T", "D"
    )
    assert "<svg" in un_masque and f">{MARQUE}</text>" in un_masque
    assert "couverte par le secret statistique" in un_masque  # the text alternative defines it


def test_public_documents_name_no_table_and_the_technical_note_holds_the_reconciliation(
    report, data
):
    """The report says where it differs from the published one in footnotes, at the
    point of use; the reconciliation and the warehouse's vocabulary live in the
    technical note."""
    from markupsafe import escape

    from alses.report.build import render_note_technique
    from alses.report.fiches import render_fiche

    html = report[1].read_text(encoding="utf-8")
    publics = [html, render_fiche(data, "DOU")]
    for text in publics:
        visible = re.sub(r"<style>.*?</style>|<[^>]+>", " ", text, flags=re.S)
        assert not re.search(r"\b(marts|intermediate|core|raw)\.\w+", visible)
        assert not re.search(r"(tableaux_alses|fiche_territoire|note_technique)_", visible)
    notes = re.findall(r'<span class="fn">(.*?)</span>', html)
    non_conformes = data.rapprochement[data.rapprochement.statut != "conforme"]
    assert notes and len(notes) == non_conformes.motif.nunique()
    note = render_note_technique(data)
    assert "marts.rapprochement_publication" in note
    assert all(str(escape(x)) in note for x in non_conformes.section)
