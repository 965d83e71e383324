"""The statistical-secrecy threshold and how every public output marks a suppressed cell.

One place for what the public sees of the secret statistique (docs/secret_statistique.md):
the report, its charts and their text alternatives, the territory sheets, the detailed
tables and the open data all import it. A suppressed cell is printed with the mark
``MARQUE`` ("s", as in INSEE's tables) and never with its reason: the reason stays in
``marts.secret_statistique`` for the analysts.

API:

- ``SEUIL``: below the département, a count of 1 to ``SEUIL - 1`` jeunes is suppressed;
- ``MARQUE``: the mark printed instead of a suppressed figure (plain text, CSV, SVG);
- ``DEFINITION``: the French sentence defining the mark; every document that prints the
  mark prints this sentence too (a note, a caption or the README);
- ``GRAPHIQUE_NON_TRACE``: the French sentence printed instead of a chart whose bars are
  all suppressed (such a chart is not drawn);
- ``MOTIF_PRIMAIRE``: the analysts' reason for a suppressed small count
  (``marts.secret_statistique``), never printed in a public output;
- ``est_masquee(ligne)``: whether a row (dict, Series, namedtuple) is suppressed — its
  ``secret_statistique`` is set;
- ``marque_html(ligne)``: the mark as HTML (``<span class="secret">s</span>``), with
  the cell it stands for in ``data-secret`` ("perimetre|territoire|indicateur|modalite")
  when the row is given, so that a test can match every printed mark to a suppressed
  cell of ``marts.secret_statistique``.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

SEUIL = 10
MARQUE = "s"
DEFINITION = (
    f"«\u00a0{MARQUE}\u00a0»\u00a0: donnée couverte par le secret statistique, non "
    f"publiée (sous le département, aucun chiffre ne porte sur moins de {SEUIL} "
    "jeunes, et certaines cellules sont masquées pour qu'aucune autre ne puisse se "
    "recalculer)."
)
GRAPHIQUE_NON_TRACE = (
    "Graphique non tracé\u00a0: toutes ses valeurs sont couvertes par le secret "
    f"statistique («\u00a0{MARQUE}\u00a0»)."
)
MOTIF_PRIMAIRE = f"effectif inférieur à {SEUIL}"


def est_masquee(ligne) -> bool:
    """True when the row's ``secret_statistique`` is set (the cell is suppressed)."""
    if ligne is None:
        return False
    if isinstance(ligne, dict | pd.Series):
        v = ligne.get("secret_statistique")
    else:
        v = getattr(ligne, "secret_statistique", None)
    return v is not None and not (isinstance(v, float) and pd.isna(v)) and v is not pd.NA


def marque_html(ligne=None) -> Markup:
    """The mark of a suppressed cell in an HTML document (see the module's doc)."""
    if ligne is None:
        return Markup('<span class="secret">{}</span>').format(MARQUE)
    cles = ("perimetre", "territoire_code", "indicateur", "modalite")
    if isinstance(ligne, dict | pd.Series):
        source = "|".join(str(ligne[c]) for c in cles)
    else:
        source = "|".join(str(getattr(ligne, c)) for c in cles)
    return Markup('<span class="secret" data-secret="{}">{}</span>').format(source, MARQUE)
