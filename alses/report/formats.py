"""French number formats, used by the text, the tables and the charts alike."""

from __future__ import annotations

import pandas as pd


def pct(value: float | None) -> str:
    """51.6049 → '51,6 %'; None → '—'."""
    if value is None or pd.isna(value):
        return "—"
    return f"{value:.1f}".replace(".", ",") + " %"


def points(value: float | None) -> str:
    """Signed difference in points: '+2,0 points', '−6,0 points'."""
    if value is None or pd.isna(value):
        return "—"
    if abs(value) < 0.05:
        return "0,0 point"
    sign = "+" if value > 0 else "−"
    return f"{sign}{abs(value):.1f}".replace(".", ",") + " points"


def nombre(value: float | int | None) -> str:
    """2960 → '2 960' (narrow no-break space as thousands separator)."""
    if value is None or pd.isna(value):
        return "—"
    return f"{int(value):,}".replace(",", "\u202f")
