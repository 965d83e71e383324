"""Charts as inline SVG (Matplotlib): French labels and decimal commas, the same colour
for a territory everywhere, and a <title> and <desc> saying the data in words."""

from __future__ import annotations

import html
import io
import itertools
import math
import re
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from alses.report.formats import decimal, nombre, pct  # noqa: E402

plt.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text: crisp, searchable, small
        "font.family": "DejaVu Sans",
        "font.size": 8.5,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "alses",  # deterministic ids
        "axes.formatter.use_locale": False,
    }
)

#: One colour per territory, for the whole report (colour-blind-safe Tableau 10 subset).
COULEURS_TERRITOIRES = {
    "NORD": "#4d4d4d",
    "CAM": "#4e79a7",
    "DOU": "#f28e2b",
    "VAL": "#e15759",
    "SAM": "#76b7b2",
    "VNE": "#59a14f",
    "LIL": "#b07aa1",
    "FLA": "#b8860b",
}
COULEURS_PERIMETRES = {"ALSES": "#1f5f8b", "PS": "#a6bddb"}
_AXE_FR = FuncFormatter(lambda x, _pos: f"{x:g}".replace(".", ","))

_counter = itertools.count(1)


def _svg(fig, titre: str, desc: str) -> str:
    """The figure as an inline, accessible <svg> (role img, <title>, <desc>), its ids
    prefixed so that several charts can share one page."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    prefix = f"g{next(_counter)}-"
    text = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', text)
    text = re.sub(r"#([A-Za-z_][\w.-]*)\)|(href=\")#", _ref(prefix), text)
    head_end = text.index(">") + 1
    head = text[:head_end].replace(
        "<svg ",
        f'<svg role="img" aria-labelledby="{prefix}titre {prefix}desc" ',
        1,
    )
    return (
        head
        + f'<title id="{prefix}titre">{html.escape(titre)}</title>'
        + f'<desc id="{prefix}desc">{html.escape(desc)}</desc>'
        + text[head_end:]
    )


def _ref(prefix: str):
    def repl(m: re.Match) -> str:
        if m.group(1) is not None:
            return f"#{prefix}{m.group(1)})"
        return f"{m.group(2)}#{prefix}"

    return repl


def _wrap(label: str, width: int = 34) -> str:
    return "\n".join(textwrap.wrap(str(label), width, break_on_hyphens=False)) or str(label)


def _ok(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def bars_nord(
    labels: list[str],
    alses: list[float | None],
    ps: list[float | None] | None,
    titre: str,
    desc: str,
) -> str:
    """Horizontal bars per modality at département level, ALSES beside PS."""
    n = len(labels)
    per_row = 0.36 if ps else 0.24
    lines = max(label_lines(lab) for lab in labels)
    fig, ax = plt.subplots(figsize=(6.8, max(per_row * n * (1 + 0.15 * (lines - 1)), 0.5) + 0.55))
    height = 0.38 if ps else 0.65
    ys = list(range(n))[::-1]
    series = [("ALSES", alses)] + ([("Ensemble de la Prévention Spécialisée", ps)] if ps else [])
    top = max([v for _, vs in series for v in vs if _ok(v)] + [1])
    for k, (name, values) in enumerate(series):
        offset = (height / 2 if k == 0 else -height / 2) if ps else 0
        vals = [v if _ok(v) else 0 for v in values]
        color = COULEURS_PERIMETRES["ALSES" if k == 0 else "PS"]
        bars = ax.barh([y + offset for y in ys], vals, height=height, color=color, label=name)
        for bar, v in zip(bars, values, strict=True):
            ax.text(
                bar.get_width() + top * 0.01,
                bar.get_y() + bar.get_height() / 2,
                pct(v),
                va="center",
                fontsize=7.5,
            )
    ax.set_yticks(ys, [_wrap(label) for label in labels])
    ax.set_xlim(0, top * 1.2 + 1)
    ax.xaxis.set_major_formatter(_AXE_FR)
    ax.set_xlabel("Part (en %)")
    if ps:
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, frameon=False, fontsize=8)
    return _svg(fig, titre, desc)


def label_lines(label: str, width: int = 34) -> int:
    return max(1, len(textwrap.wrap(str(label), width)))


def territoires_ic(
    lignes: list[dict],
    nord: float | None,
    titre: str,
    desc: str,
) -> str:
    """One horizontal bar per territory with its Wilson 95 % interval (whisker) and the
    département as a dashed line; a suppressed cell is written « < 10 », not drawn.

    lignes: dicts with code, libelle, valeur, bas, haut, secret (bool), sens."""
    n = len(lignes)
    fig, ax = plt.subplots(figsize=(6.8, 0.27 * n + 0.55))
    ys = list(range(n))[::-1]
    tops = [r["haut"] for r in lignes if _ok(r.get("haut"))] + ([nord] if _ok(nord) else [])
    top = max(tops + [1])
    for y, r in zip(ys, lignes, strict=True):
        color = COULEURS_TERRITOIRES.get(r["code"], "#4d4d4d")
        if r["secret"] or not _ok(r["valeur"]):
            ax.text(
                top * 0.01,
                y,
                "< 10 (secret statistique)" if r["secret"] else "—",
                va="center",
                fontsize=7.5,
                color="#444",
            )
            continue
        ax.barh(y, r["valeur"], height=0.6, color=color)
        if _ok(r["bas"]) and _ok(r["haut"]):
            ax.errorbar(
                r["valeur"],
                y,
                xerr=[[r["valeur"] - r["bas"]], [r["haut"] - r["valeur"]]],
                fmt="none",
                ecolor="#222",
                elinewidth=0.8,
                capsize=2.5,
            )
        marque = {"supérieur": " ▲", "inférieur": " ▼"}.get(r.get("sens") or "", "")
        x = r["haut"] if _ok(r["haut"]) else r["valeur"]
        ax.text(x + top * 0.015, y, pct(r["valeur"]) + marque, va="center", fontsize=7.5)
    if _ok(nord):
        ax.axvline(nord, color="#222", linestyle="--", linewidth=0.9)
    ax.set_yticks(ys, [r["libelle"] for r in lignes])
    ax.set_xlim(0, top * 1.22 + 1)
    ax.xaxis.set_major_formatter(_AXE_FR)
    ax.set_xlabel("Part (en %) et intervalle de confiance à 95 % ; tirets : le Nord")
    return _svg(fig, titre, desc)


def bars_territoires(valeurs: list[tuple[str, str, float | None]], titre: str, desc: str) -> str:
    """One bar per territory (counts), in the territory colours."""
    fig, ax = plt.subplots(figsize=(6.8, 2.4))
    codes = [c for c, _, _ in valeurs]
    vals = [v if _ok(v) else 0 for _, _, v in valeurs]
    bars = ax.bar(range(len(codes)), vals, color=[COULEURS_TERRITOIRES[c] for c in codes])
    for bar, v in zip(bars, vals, strict=True):
        ax.text(
            bar.get_x() + bar.get_width() / 2,
            bar.get_height(),
            nombre(v),
            ha="center",
            va="bottom",
            fontsize=7.5,
        )
    ax.set_xticks(range(len(codes)), [_wrap(lib, 11) for _, lib, _ in valeurs], fontsize=7.5)
    ax.set_ylabel("Nombre de jeunes")
    ax.yaxis.set_major_formatter(_AXE_FR)
    ax.set_ylim(0, max(vals + [1]) * 1.15)
    return _svg(fig, titre, desc)


__all__ = ["bars_nord", "territoires_ic", "bars_territoires", "decimal"]
