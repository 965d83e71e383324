"""French number formats and typography, used by the text, the tables and the charts."""

from __future__ import annotations

import re

import pandas as pd

NBSP = "\u00a0"  # before : ; ? ! and inside « »
NNBSP = "\u202f"  # before % and as thousands separator


def _missing(value) -> bool:
    return value is None or bool(pd.isna(value))


def decimal(value: float, digits: int = 1) -> str:
    """2.5 → '2,5' (decimal comma)."""
    return f"{value:.{digits}f}".replace(".", ",").replace("-", "−")


def pct(value: float | None) -> str:
    """51.6049 → '51,6 %' (no-break space); None → '—'."""
    if _missing(value):
        return "—"
    return decimal(value) + NNBSP + "%"


def points(value: float | None, signe: bool = True) -> str:
    """A difference in points with French agreement: '+0,5 point', '−6,0 points'
    (« point » stays singular below 2)."""
    if _missing(value):
        return "—"
    mot = "point" if round(abs(value), 1) < 2 else "points"
    if round(abs(value), 1) == 0:
        return f"0,0{NBSP}point"
    sign = ("+" if value > 0 else "−") if signe else ""
    return f"{sign}{decimal(abs(value))}{NBSP}{mot}"


def nombre(value: float | int | None) -> str:
    """2960 → '2 960' (narrow no-break space as thousands separator)."""
    if _missing(value):
        return "—"
    return f"{int(value):,}".replace(",", NNBSP)


def typo(text: str) -> str:
    """French typography on a free text: no-break spaces before : ; ? ! and % and
    inside « »."""
    text = re.sub(
        r"(?<!&[a-z]{2})(?<!&[a-z]{3})(?<!&#\d{4})[ \u00a0]?([:;?!])(?=[\s<*_)]|$)",
        NBSP + r"\1",
        text,
    )
    text = re.sub(r"(\d)[ \u00a0\u202f]?%", r"\1" + NNBSP + "%", text)
    text = re.sub(r"«[ \u00a0]?", "«" + NBSP, text)
    return re.sub(r"[ \u00a0]?»", NBSP + "»", text)


_ACCENTS = re.compile(
    r"\bE(?=(tabliss|cole|coute|ducat|ducation|tat\b|vènement|quipe|tude|lève|mploy))"
)


def accents(label: str) -> str:
    """Capital accents the nomenclature labels leave out: 'Etablissement' → 'Établissement',
    'Ecoute' → 'Écoute', 'Educateur' → 'Éducateur'."""
    return _ACCENTS.sub("É", str(label))
