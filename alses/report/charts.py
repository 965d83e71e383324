"""Charts as inline SVG (Matplotlib): French labels, one-decimal percentages, and the
same colour for a territory everywhere in the report."""

from __future__ import annotations

import io
import itertools
import math
import re
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from alses.report.formats import nombre, pct  # noqa: E402

plt.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text: crisp, searchable, small
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "alses",  # deterministic ids
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
    "FLA": "#edc948",
}
COULEURS_PERIMETRES = {"ALSES": "#1f5f8b", "PS": "#a6bddb"}


_counter = itertools.count(1)


def _svg(fig) -> str:
    """The figure as an inline <svg>, its ids prefixed so that several charts can share
    one page (Matplotlib numbers ids per file: clip paths would cross charts)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    prefix = f"g{next(_counter)}-"
    text = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', text)
    return re.sub(r"#([A-Za-z_][\w.-]*)\)|(href=\")#", _ref(prefix), text)


def _ref(prefix: str):
    def repl(m: re.Match) -> str:
        if m.group(1) is not None:
            return f"#{prefix}{m.group(1)})"
        return f"{m.group(2)}#{prefix}"

    return repl


def _wrap(label: str, width: int = 34) -> str:
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def bars_nord(
    labels: list[str], alses: list[float | None], ps: list[float | None] | None, titre: str
) -> str:
    """Horizontal bars per modality at département level, ALSES beside PS."""
    n = len(labels)
    fig, ax = plt.subplots(figsize=(7.2, 0.42 * n * (2 if ps else 1) + 0.9))
    height = 0.38 if ps else 0.7
    ys = list(range(n))[::-1]
    series = [("ALSES", alses)] + ([("Ensemble PS", ps)] if ps else [])
    for k, (name, values) in enumerate(series):
        offset = (height / 2 if k == 0 else -height / 2) if ps else 0
        vals = [0 if v is None or math.isnan(v) else v for v in values]
        color = COULEURS_PERIMETRES["ALSES" if k == 0 else "PS"]
        bars = ax.barh([y + offset for y in ys], vals, height=height, color=color, label=name)
        for bar, v in zip(bars, values, strict=True):
            ax.text(
                bar.get_width() + 0.8,
                bar.get_y() + bar.get_height() / 2,
                pct(v),
                va="center",
                fontsize=8,
            )
    ax.set_yticks(ys, [_wrap(label) for label in labels])
    top = max([v for _, vs in series for v in vs if v is not None and not math.isnan(v)] + [1])
    ax.set_xlim(0, top * 1.18 + 2)
    ax.set_xlabel("Part (%)")
    ax.set_title(titre, loc="left", fontsize=10, fontweight="bold")
    if ps:
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False, fontsize=8)
    return _svg(fig)


def small_multiples(
    modalites: list[tuple[str, str]],
    valeurs: dict[tuple[str, str], float],
    territoires: list[tuple[str, str]],
    titre: str,
) -> str:
    """One small panel per modality, one bar per territory (département first)."""
    n = len(modalites)
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(7.6, 1.9 * rows + 0.5), squeeze=False, sharex=True
    )
    codes = [code for code, _ in territoires]
    for i, (code, label) in enumerate(modalites):
        ax = axes[i // cols][i % cols]
        vals = [valeurs.get((t, code)) for t in codes]
        clean = [0 if v is None or math.isnan(v) else v for v in vals]
        ax.bar(range(len(codes)), clean, color=[COULEURS_TERRITOIRES[t] for t in codes])
        ax.set_title(_wrap(label, 28), fontsize=8)
        ax.set_ylim(0, max(clean + [1]) * 1.25)
        ax.set_xticks(range(len(codes)), codes, rotation=90, fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
    for j in range(n, rows * cols):
        axes[j // cols][j % cols].axis("off")
    fig.suptitle(titre, x=0.01, ha="left", fontsize=10, fontweight="bold")
    fig.supylabel("Part (%)", fontsize=8)
    fig.tight_layout()
    return _svg(fig)


def bars_territoires(
    valeurs: list[tuple[str, str, float | None]], titre: str, unite: str = "jeunes"
) -> str:
    """One bar per territory (counts), in the territory colours."""
    fig, ax = plt.subplots(figsize=(7.2, 2.8))
    codes = [c for c, _, _ in valeurs]
    vals = [0 if v is None else v for _, _, v in valeurs]
    bars = ax.bar(range(len(codes)), vals, color=[COULEURS_TERRITOIRES[c] for c in codes])
    for bar, v in zip(bars, vals, strict=True):
        ax.text(
            bar.get_x() + bar.get_width() / 2,
            bar.get_height(),
            nombre(v),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax.set_xticks(range(len(codes)), [_wrap(lib, 12) for _, lib, _ in valeurs], fontsize=8)
    ax.set_ylabel(f"Nombre de {unite}")
    ax.set_ylim(0, max(vals + [1]) * 1.15)
    ax.set_title(titre, loc="left", fontsize=10, fontweight="bold")
    return _svg(fig)
