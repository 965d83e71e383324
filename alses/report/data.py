"""What the report reads: marts.indicateurs (through the disclosure rule), its
catalogue, marts.comparaisons_territoriales, marts.qualite_saisie and
marts.rapprochement_publication — nothing else."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from alses import engine
from alses.disclosure import secret_enregistre
from alses.report.formats import accents, typo
from alses.territoires import DEPARTEMENT, TERRITOIRES

__all__ = ["TERRITOIRES", "Ligne", "ReportData", "load"]
TEXTES = Path(__file__).parent / "textes"


class Ligne(dict):
    """One mart row, read as row["col"], row.col or row.get("col"): the same values as
    a pandas Series built from the row, without its cost (the report looks cells up
    thousands of times)."""

    __slots__ = ()

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class ReportData:
    annee: str
    annee_precedente: str | None
    indicateurs: pd.DataFrame  # marts.indicateurs for the year, secret applied
    precedente: pd.DataFrame  # the same for the previous year (empty when absent)
    catalogue: pd.DataFrame  # marts.catalogue_indicateurs
    comparaisons: pd.DataFrame  # marts.comparaisons_territoriales for the year
    rapprochement: pd.DataFrame  # marts.rapprochement_publication for the year
    qualite: pd.DataFrame  # marts.qualite_saisie for the year (territory and NORD levels)
    qualite_structures: pd.DataFrame  # marts.qualite_saisie for the year, per structure
    annees: list[str]
    structures: dict  # structure_id -> its name (core.dim_structure)

    def __post_init__(self) -> None:
        # Indexes: the report looks cells up thousands of times.
        df = self.indicateurs.sort_values("modalite_ordre")
        self._cells = {k: g for k, g in df.groupby(["indicateur", "perimetre", "territoire_code"])}
        self._terr = {k: g for k, g in df.groupby(["indicateur", "perimetre"])}
        self._rows = {
            (r["indicateur"], r["perimetre"], r["territoire_code"], r["modalite"]): Ligne(r)
            for r in df.to_dict("records")
        }
        prev = self.precedente
        self._prev = {
            (r["indicateur"], r["perimetre"], r["modalite"]): Ligne(r)
            for r in prev[prev.territoire_code == DEPARTEMENT].to_dict("records")
        }
        self._comp: dict = {}
        self._has = set(zip(df.indicateur, df.perimetre, strict=True))
        premiers = self.indicateurs.drop_duplicates("territoire_code")
        self._libelles = dict(
            zip(premiers.territoire_code, premiers.territoire_libelle, strict=True)
        )

    def cells(
        self, indicateur: str, perimetre: str = "ALSES", territoire: str = DEPARTEMENT
    ) -> pd.DataFrame:
        """The rows of one indicator in one cell, in catalogue order."""
        key = (indicateur, perimetre, territoire)
        return self._cells[key] if key in self._cells else self.indicateurs.iloc[0:0]

    def cell(self, indicateur: str, modalite: str, perimetre="ALSES", territoire=DEPARTEMENT):
        return self._rows.get((indicateur, perimetre, territoire, modalite))

    def cell_precedente(self, indicateur: str, modalite: str, perimetre="ALSES"):
        return self._prev.get((indicateur, perimetre, modalite))

    def by_territory(self, indicateur: str, perimetre: str = "ALSES") -> pd.DataFrame:
        key = (indicateur, perimetre)
        return self._terr[key] if key in self._terr else self.indicateurs.iloc[0:0]

    def comparaison(self, indicateur: str, perimetre: str = "ALSES") -> pd.DataFrame:
        """Territory tests of one indicator, joined to the disclosure flag: a cell the
        public outputs suppress keeps no figure here either."""
        key = (indicateur, perimetre)
        if key not in self._comp:
            c = self.comparaisons
            c = c[(c.indicateur == indicateur) & (c.perimetre == perimetre)]
            flags = self.by_territory(indicateur, perimetre)[
                ["territoire_code", "modalite", "secret_statistique"]
            ]
            self._comp[key] = c.merge(flags, on=["territoire_code", "modalite"], how="left")
        return self._comp[key]

    def test(self, indicateur: str, modalite: str, perimetre="ALSES", territoire=DEPARTEMENT):
        """The row of marts.comparaisons_territoriales of one cell (its tests), or None."""
        if not hasattr(self, "_tests"):
            self._tests = {
                (r["indicateur"], r["perimetre"], r["territoire_code"], r["modalite"]): Ligne(r)
                for r in self.comparaisons.to_dict("records")
            }
        return self._tests.get((indicateur, perimetre, territoire, modalite))

    def has(self, indicateur: str, perimetre: str) -> bool:
        return (indicateur, perimetre) in self._has

    def _cat(self, indicateur: str):
        if not hasattr(self, "_catalogue"):
            uniques = self.catalogue.drop_duplicates("indicateur")
            self._catalogue = {r["indicateur"]: Ligne(r) for r in uniques.to_dict("records")}
        return self._catalogue[indicateur]

    def libelle(self, indicateur: str) -> str:
        return str(self._cat(indicateur).indicateur_libelle)

    def definition(self, indicateur: str) -> str:
        return typo(str(self._cat(indicateur).definition))

    def population(self, indicateur: str) -> str:
        return str(self._cat(indicateur).population)

    def territoire_libelle(self, code: str) -> str:
        return str(self._libelles[code])


def load(warehouse: Path, annee: str) -> ReportData:
    with engine.connect(warehouse, read_only=True) as con:  # DuckDB or PostgreSQL
        annees = [
            r[0]
            for r in con.execute(
                "select distinct annee_scolaire from marts.indicateurs order by 1"
            ).fetchall()
        ]
        precedente = max((a for a in annees if a < annee), default=None)
        brut = con.execute(
            "select i.*, c.modalite_ordre, c.indicateur_ordre, c.famille "
            "from marts.indicateurs i join marts.catalogue_indicateurs c "
            "on i.indicateur = c.indicateur and i.modalite = c.modalite "
            "where i.annee_scolaire in (?, ?)",
            [annee, precedente or annee],
        ).df()
        catalogue = con.execute("select * from marts.catalogue_indicateurs").df()
        comparaisons = con.execute(
            "select * from marts.comparaisons_territoriales where annee_scolaire = ?", [annee]
        ).df()
        rapprochement = con.execute(
            "select * from marts.rapprochement_publication where annee_scolaire = ? "
            "order by statut, figure_id",
            [annee],
        ).df()
        qualite = con.execute(
            "select * from marts.qualite_saisie where annee_scolaire = ?", [annee]
        ).df()
        structures = dict(
            con.execute("select structure_id, structure_nom from core.dim_structure").fetchall()
        )
        for df in (brut, catalogue, comparaisons):
            for col in ("modalite_libelle", "indicateur_libelle", "territoire_libelle"):
                if col in df:
                    df[col] = df[col].map(lambda x: typo(accents(x)))
        publie = secret_enregistre(con, brut)
    if not (brut.annee_scolaire == annee).any():
        raise ValueError(
            f"marts.indicateurs n'a aucune ligne pour {annee} : chargez le dépôt de cette "
            "année et reconstruisez les modèles (make run)."
        )
    return ReportData(
        annee=annee,
        annee_precedente=precedente,
        indicateurs=publie[publie.annee_scolaire == annee],
        precedente=publie[publie.annee_scolaire == precedente],
        catalogue=catalogue,
        comparaisons=comparaisons,
        rapprochement=rapprochement,
        qualite=qualite[qualite.structure_id.isna()],
        qualite_structures=qualite[qualite.structure_id.notna()],
        annees=annees,
        structures=structures,
    )


def texte(nom: str) -> str | None:
    """An editable Markdown text of alses/report/textes/ (None when absent)."""
    path = TEXTES / nom
    return path.read_text(encoding="utf-8") if path.exists() else None


@functools.cache
def reperes_insee() -> dict[str, pd.Series]:
    df = pd.read_csv(TEXTES / "insee.csv")
    return {r.repere: r for r in df.itertuples()}
