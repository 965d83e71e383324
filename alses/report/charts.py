"""Charts as small hand-written inline SVG: French labels and decimal commas, the same
colour for a territory everywhere, a <title> and a <desc> saying the data in words.

Matplotlib's SVG (clip paths, styles on every element) made the report a 1 MB page
whose 100,000 elements dominated WeasyPrint's time; these charts use a few elements
per bar and lay out their text from a conservative width estimate of DejaVu Sans,
so that labels never overlap (a test measures them in Chromium)."""

from __future__ import annotations

import itertools
import math
import textwrap
from html import escape

import pandas as pd

from alses.report.formats import nombre, pct, points, typo
from alses.secret import DEFINITION, GRAPHIQUE_NON_TRACE, MARQUE
from alses.territoires import DEPARTEMENT, TERRITOIRES

#: One colour per territory, for the whole report (colour-blind-safe Tableau 10 subset,
#: darkened where white text or thin bars needed contrast), in the seed's order
#: (seeds/territoires.csv: the département, then the territories).
PALETTE = ("#4d4d4d", "#4e79a7", "#f28e2b", "#e15759", "#5fa8a2", "#59a14f", "#b07aa1", "#b8860b")
COULEURS_TERRITOIRES = dict(zip([DEPARTEMENT, *TERRITOIRES], PALETTE, strict=True))
COULEURS_PERIMETRES = {"ALSES": "#1f5f8b", "PS": "#9ebcd8"}

LARGEUR = 640
TAILLE = 11  # font size, in SVG units (1 unit ≈ 1 CSS px at full width)
LIGNE = 13
_counter = itertools.count(1)


def reinitialiser() -> None:
    """Number the charts' ids from 1 again: each document starts there, whichever
    process renders it and whatever it rendered before."""
    global _counter
    _counter = itertools.count(1)


_ETROITS = set("il.,;:'|!ftjr()[] ")
_LARGES = set("mwMW%")


def largeur_texte(text: str, taille: float = TAILLE) -> float:
    """Conservative width of a text in DejaVu Sans (slightly over the real one)."""
    w = 0.0
    for c in text:
        if c in _ETROITS:
            w += 0.36
        elif c in _LARGES:
            w += 0.95
        elif c.isupper() or c.isdigit():
            w += 0.72 if c.isupper() else 0.66
        else:
            w += 0.62
    return w * taille


def _wrap(label: str, width: int, hyphens: bool = False) -> list[str]:
    lines = textwrap.wrap(str(label), width, break_on_hyphens=hyphens, break_long_words=False)
    return lines or [str(label)]


def _ok(v) -> bool:
    return v is not None and not pd.isna(v)


def _svg(width: float, height: float, titre: str, desc: str, body: list[str]) -> str:
    k = next(_counter)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width:.0f} '
        f'{height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'aria-labelledby="c{k}-t c{k}-d" font-family="DejaVu Sans, sans-serif" '
        f'font-size="{TAILLE}" fill="#1a1a1a">'
        f'<title id="c{k}-t">{escape(typo(titre))}</title>'
        f'<desc id="c{k}-d">{escape(typo(desc))}</desc>' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, s: str, anchor: str = "start", size: float | None = None) -> str:
    a = "" if anchor == "start" else f' text-anchor="{anchor}"'
    sz = "" if size is None else f' font-size="{size}"'
    return f'<text x="{x:.1f}" y="{y:.1f}"{a}{sz}>{escape(typo(s))}</text>'


def _pas(top: float) -> float:
    """A round tick step giving at most 6 ticks up to top."""
    for pas in (1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top / pas <= 6:
            return pas
    return 10 ** math.ceil(math.log10(top))


def _axe_x(x0: float, x1: float, top: float, y: float, label: str) -> list[str]:
    out = [f'<path d="M{x0:.1f} {y:.1f}H{x1:.1f}" stroke="#555"/>']
    pas = _pas(top)
    v = 0.0
    while v <= top + 1e-9:
        x = x0 + (x1 - x0) * v / top
        out.append(f'<path d="M{x:.1f} {y:.1f}v4" stroke="#555"/>')
        out.append(_text(x, y + 15, f"{v:g}".replace(".", ","), "middle", 10))
        v += pas
    out.append(_text((x0 + x1) / 2, y + 30, label, "middle", 10))
    return out


def bars_nord(
    labels: list[str],
    alses: list[float | None],
    ps: list[float | None] | None,
    titre: str,
    desc: str,
) -> str:
    """Horizontal bars per modality at département level, ALSES beside PS."""
    lignes = [_wrap(lab, 32) for lab in labels]
    label_w = min(max(largeur_texte(ln) for lab in lignes for ln in lab), 240) + 10
    x0, x1 = label_w + 6, LARGEUR - 62
    series = [("ALSES", alses, COULEURS_PERIMETRES["ALSES"])]
    if ps:
        series.append(("Ensemble de la Prévention Spécialisée", ps, COULEURS_PERIMETRES["PS"]))
    vals = [v for _, vs, _ in series for v in vs if _ok(v)]
    top = max(vals + [1]) * 1.05
    top = math.ceil(top / _pas(top)) * _pas(top)
    barre = 11
    body, y = [], 8.0
    if ps:  # legend above the plot, on its own line
        x = x0
        for name, _, color in series:
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="10" height="10" fill="{color}"/>')
            body.append(_text(x + 14, y + 9, name, size=10))
            x += 14 + largeur_texte(name, 10) + 18
        y += 20
    for i, lab in enumerate(lignes):
        h = max(len(lab) * LIGNE, len(series) * (barre + 1)) + 8
        centre = y + h / 2
        for j, ln in enumerate(lab):
            ty = centre - (len(lab) - 1) * LIGNE / 2 + j * LIGNE + 4
            body.append(_text(label_w, ty, ln, "end"))
        by = centre - len(series) * (barre + 1) / 2
        for _, vs, color in series:
            v = vs[i]
            w = (x1 - x0) * (v if _ok(v) else 0) / top
            body.append(
                f'<rect x="{x0:.1f}" y="{by:.1f}" width="{w:.1f}" height="{barre}" fill="{color}"/>'
            )
            body.append(_text(x0 + w + 3, by + barre - 2, pct(v), size=10))
            by += barre + 1
        y += h
    body += _axe_x(x0, x1, top, y + 2, "Part (en %)")
    return _svg(LARGEUR, y + 38, titre, desc, body)


def territoires_ic(lignes: list[dict], nord: float | None, titre: str, desc: str) -> str:
    """One horizontal bar per territory with its Wilson 95 % interval (whisker) and the
    département as a dashed line; a suppressed cell is written with the mark of
    alses.secret, not drawn, and the text alternative defines the mark. When every bar
    is suppressed, no chart: a paragraph says why (alses.secret.GRAPHIQUE_NON_TRACE).

    lignes: dicts with code, libelle, valeur, bas, haut, secret (bool), sens."""
    if lignes and all(r["secret"] for r in lignes):
        return f'<p class="note">{escape(typo(GRAPHIQUE_NON_TRACE))}</p>'
    if any(r["secret"] for r in lignes):
        desc = f"{desc} {DEFINITION}"
    label_w = max(largeur_texte(r["libelle"]) for r in lignes) + 10
    x0, x1 = label_w + 6, LARGEUR - 80
    tops = [r["haut"] for r in lignes if _ok(r.get("haut"))] + ([nord] if _ok(nord) else [])
    top = max(tops + [1]) * 1.02
    top = math.ceil(top / _pas(top)) * _pas(top)
    h = 18
    body, y = [], 6.0
    for r in lignes:
        cy = y + h / 2
        body.append(_text(label_w, cy + 4, r["libelle"], "end"))
        if r["secret"] or not _ok(r["valeur"]):
            body.append(_text(x0 + 4, cy + 4, MARQUE if r["secret"] else "—"))
            y += h
            continue
        sx = (x1 - x0) / top
        color = COULEURS_TERRITOIRES.get(r["code"], "#4d4d4d")
        body.append(
            f'<rect x="{x0:.1f}" y="{cy - 6:.1f}" width="{r["valeur"] * sx:.1f}" height="12" '
            f'fill="{color}"/>'
        )
        fin = r["valeur"]
        if _ok(r["bas"]) and _ok(r["haut"]):
            a, b = x0 + r["bas"] * sx, x0 + r["haut"] * sx
            body.append(
                f'<path d="M{a:.1f} {cy:.1f}H{b:.1f}M{a:.1f} {cy - 4:.1f}v8M{b:.1f} '
                f'{cy - 4:.1f}v8" stroke="#222" stroke-width="1.2"/>'
            )
            fin = r["haut"]
        marque = {"supérieur": " ▲", "inférieur": " ▼"}.get(r.get("sens") or "", "")
        label = pct(r["valeur"]) + marque
        lx = x0 + fin * sx + 5
        if _ok(nord) and lx - 3 <= x0 + nord * sx <= lx + largeur_texte(label, 10) + 2:
            lx = x0 + nord * sx + 4  # keep the label clear of the département's line
        body.append(_text(lx, cy + 4, label, size=10))
        y += h
    if _ok(nord):
        xn = x0 + (x1 - x0) * nord / top
        body.append(f'<path d="M{xn:.1f} 2V{y + 2:.1f}" stroke="#222" stroke-dasharray="4 3"/>')
    body += _axe_x(
        x0, x1, top, y + 2, "Part (en %), intervalle de confiance à 95 % ; tirets : le Nord"
    )
    return _svg(LARGEUR, y + 38, titre, desc, body)


def bars_territoires(valeurs: list[tuple[str, str, float | None]], titre: str, desc: str) -> str:
    """One vertical bar per territory (counts of jeunes), in the territory colours."""
    n = len(valeurs)
    x0, x1, haut, base = 50, LARGEUR - 10, 150, 170
    top = max([v for *_, v in valeurs if _ok(v)] + [1]) * 1.1
    pas = _pas(top)
    top = math.ceil(top / pas) * pas
    body = [f'<path d="M{x0} {base}H{x1}" stroke="#555"/>']
    v = 0.0
    while v <= top + 1e-9:
        y = base - haut * v / top
        body.append(_text(x0 - 6, y + 4, nombre(v), "end", 10))
        body.append(f'<path d="M{x0 - 3} {y:.1f}h3" stroke="#555"/>')
        v += pas
    slot = (x1 - x0) / n
    for i, (code, label, val) in enumerate(valeurs):
        cx = x0 + slot * (i + 0.5)
        h = haut * (val if _ok(val) else 0) / top
        body.append(
            f'<rect x="{cx - slot * 0.3:.1f}" y="{base - h:.1f}" width="{slot * 0.6:.1f}" '
            f'height="{h:.1f}" fill="{COULEURS_TERRITOIRES.get(code, "#4d4d4d")}"/>'
        )
        body.append(_text(cx, base - h - 4, nombre(val), "middle", 10))
        for j, ln in enumerate(_wrap(label, 10, hyphens=True)):
            body.append(_text(cx, base + 15 + j * LIGNE, ln, "middle", 10))
    return _svg(LARGEUR, base + 44, titre, desc, body)


def ecarts_points(lignes: list[tuple[str, float]], titre: str, desc: str) -> str:
    """Diverging horizontal bars: each significant gap of a territory to the rest of the
    Nord, in points (above: right, dark; below: left, light)."""
    wrapped = [_wrap(lab, 44) for lab, _ in lignes]
    label_w = min(max(largeur_texte(ln, 10) for lab in wrapped for ln in lab), 270) + 8
    x0, x1 = label_w + 8, LARGEUR - 10
    top = max([abs(v) for _, v in lignes] + [1]) * 1.15
    pas = _pas(top)
    top = math.ceil(top / pas) * pas
    zero = (x0 + x1) / 2
    sx = (x1 - x0) / 2 / top
    body, y = [], 4.0
    for lab, (_, v) in zip(wrapped, lignes, strict=True):
        h = max(len(lab) * 12, 14) + 4
        cy = y + h / 2
        for j, ln in enumerate(lab):
            body.append(_text(label_w, cy - (len(lab) - 1) * 6 + j * 12 + 4, ln, "end", 10))
        w = abs(v) * sx
        x = zero if v >= 0 else zero - w
        color = COULEURS_PERIMETRES["ALSES"] if v >= 0 else "#c9793b"
        body.append(
            f'<rect x="{x:.1f}" y="{cy - 5:.1f}" width="{w:.1f}" height="10" fill="{color}"/>'
        )
        # a negative gap's value sits right of the axis, clear of the labels
        lx = zero + w + 3 if v >= 0 else zero + 3
        body.append(_text(lx, cy + 4, points(v), "start", 9))
        y += h
    body.append(f'<path d="M{zero:.1f} 2V{y + 2:.1f}" stroke="#222"/>')
    out = [f'<path d="M{x0:.1f} {y + 2:.1f}H{x1:.1f}" stroke="#555"/>']
    v = -top
    while v <= top + 1e-9:
        x = zero + v * sx
        out.append(f'<path d="M{x:.1f} {y + 2:.1f}v4" stroke="#555"/>')
        out.append(_text(x, y + 17, f"{v:+g}".replace(".", ",").replace("+0", "0"), "middle", 9))
        v += pas
    out.append(_text(zero, y + 31, "Écart au reste du Nord (en points)", "middle", 10))
    return _svg(LARGEUR, y + 38, titre, desc, body + out)
