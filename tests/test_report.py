"""The annual report: every number printed comes from marts.indicateurs; the HTML
renders in headless Chromium without console error; the PDF has a page per chapter."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser

import duckdb
import pytest

from alses.report.build import SEUIL_FRAGILE, fmt, write_report

CHAPITRES = ["volumes", "chapitre-1", "chapitre-2", "chapitre-3", "annexe"]


@pytest.fixture(scope="module")
def report(demo_warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    html_path, pdf_path = write_report(demo_warehouse, "2021-2022", out)
    return demo_warehouse, html_path, pdf_path


class Numbers(HTMLParser):
    """Tagged numbers (span.n with data-src) and the text left outside them."""

    SKIP = {"svg", "style", "script", "title"}

    def __init__(self):
        super().__init__()
        self.tagged: list[tuple[str, str]] = []
        self.free_text: list[str] = []
        self._stack: list[tuple[str, dict]] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._stack.append((tag, attrs))
        if tag == "span" and attrs.get("class") == "n":
            self._current = []

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, attrs = self._stack.pop()
            if open_tag == tag:
                break
        if tag == "span" and self._current is not None and attrs.get("class") == "n":
            self.tagged.append((attrs["data-src"], "".join(self._current)))
            self._current = None

    def handle_data(self, data):
        if self._current is not None:
            self._current.append(data)
            return
        inside = {t for t, _ in self._stack}
        classes = " ".join(a.get("class", "") for _, a in self._stack)
        if inside & self.SKIP or re.search(r"\b(def|lib|rapprochement|qualite)\b", classes):
            return
        self.free_text.append(data)


def test_every_printed_number_comes_from_the_mart(report):
    warehouse, html_path, _ = report
    parser = Numbers()
    parser.feed(html_path.read_text(encoding="utf-8"))
    assert len(parser.tagged) > 2000
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select * from marts.indicateurs where annee_scolaire = '2021-2022'"
        ).df()
    cells = {
        (r.perimetre, r.territoire_code, r.indicateur, r.modalite): r for _, r in rows.iterrows()
    }
    for src, text in parser.tagged:
        perimetre, territoire, indicateur, modalite, champ = src.split("|")
        row = cells[(perimetre, territoire, indicateur, modalite)]
        assert text == fmt(row, champ), (src, text)
    # Outside the tagged numbers, only school years, section numbers and the fragility
    # threshold are written with digits.
    free = " ".join(parser.free_text)
    leftover = re.sub(r"\b\d{4}-\d{4}\b|\b[1-3]\.[1-7]\b|Chapitre [1-3]|\b[1-5]\.(?= )", "", free)
    leftover = leftover.replace(f"moins de {SEUIL_FRAGILE} ", "")
    assert not re.search(r"\d", leftover), re.findall(r".{30}\d.{30}", leftover)[:5]


def test_sentences_are_computed(report):
    _, html_path, _ = report
    text = html_path.read_text(encoding="utf-8")
    assert "La première modalité est identique pour l'ensemble des territoires." in text
    assert re.search(
        r"« <span class=\"lib\">Féminin</span> » augmente de <span class=\"n\"[^>]*>2,0 points",
        text,
    )


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


def test_html_renders_in_chromium(report, browser, tmp_path):
    from PIL import Image
    from selenium.webdriver.common.by import By

    _, html_path, _ = report
    browser.get(html_path.as_uri())
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    for chapitre in CHAPITRES:
        element = browser.find_element(By.ID, chapitre)
        shot = tmp_path / f"{chapitre}.png"
        shot.write_bytes(element.screenshot_as_png)
        with Image.open(shot) as img:
            colours = img.convert("L").getextrema()
            assert colours[1] - colours[0] > 100, chapitre  # not blank
            assert img.height > 300, chapitre


def test_pdf_has_a_page_or_more_per_chapter(report):
    from pypdf import PdfReader

    _, _, pdf_path = report
    pages = [p.extract_text() for p in PdfReader(pdf_path).pages]
    titres = [
        "Nombre de jeunes accompagnés et d'ALSES",
        "Chapitre 1 : situations",
        "Chapitre 2 : situations",
        "Chapitre 3 : les accompagnements",
        "Annexe méthodologique",
    ]
    starts = [next(i for i, t in enumerate(pages) if titre in t and i > 0) for titre in titres]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert len(pages) >= len(titres) + 1


def test_charts_show_the_table_values(demo_warehouse):
    """The département chart of an indicator shows, for each modality, the ALSES then
    the PS share of that same modality (a display order must never shift PS bars)."""
    from alses.report.build import bloc
    from alses.report.data import load
    from alses.report.formats import pct

    data = load(demo_warehouse, "2021-2022")
    b = bloc(data, "sexe", "1.1")
    labels = re.findall(r"\d+,\d %", str(b.graphique_nord))
    nord = data.cells("sexe", "ALSES", "NORD").set_index("modalite")
    ps = data.cells("sexe", "PS", "NORD").set_index("modalite")
    order = [r["libelle"] for r in b.table_nord]
    codes = [nord.index[nord.modalite_libelle == lib][0] for lib in order]
    expected = [pct(nord.loc[c, "valeur"]) for c in codes] + [
        pct(ps.loc[c, "valeur"]) for c in codes
    ]
    assert sorted(labels) == sorted(expected)
    # bars of one series are drawn together: ALSES labels first, in table order
    assert labels[: len(codes)] == expected[: len(codes)]
    assert labels[len(codes) :] == expected[len(codes) :]
