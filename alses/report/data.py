"""What the report reads: marts.indicateurs and its companions, nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

TERRITOIRES = ("CAM", "DOU", "VAL", "SAM", "VNE", "LIL", "FLA")


@dataclass
class ReportData:
    annee: str
    indicateurs: pd.DataFrame  # marts.indicateurs for the year
    catalogue: pd.DataFrame  # marts.catalogue_indicateurs
    rapprochement: pd.DataFrame  # marts.rapprochement_publication for the year
    qualite: pd.DataFrame  # marts.qualite_saisie for the year (territory level)
    annees: list[str]

    def cells(
        self, indicateur: str, perimetre: str = "ALSES", territoire: str = "NORD"
    ) -> pd.DataFrame:
        """The rows of one indicator in one cell, in catalogue order."""
        df = self.indicateurs
        out = df[
            (df.indicateur == indicateur)
            & (df.perimetre == perimetre)
            & (df.territoire_code == territoire)
        ]
        return out.sort_values("modalite_ordre")

    def by_territory(self, indicateur: str, perimetre: str = "ALSES") -> pd.DataFrame:
        df = self.indicateurs
        return df[(df.indicateur == indicateur) & (df.perimetre == perimetre)]

    def has(self, indicateur: str, perimetre: str) -> bool:
        df = self.indicateurs
        return bool(((df.indicateur == indicateur) & (df.perimetre == perimetre)).any())

    def libelle(self, indicateur: str) -> str:
        row = self.catalogue[self.catalogue.indicateur == indicateur].iloc[0]
        return str(row.indicateur_libelle)

    def definition(self, indicateur: str) -> str:
        row = self.catalogue[self.catalogue.indicateur == indicateur].iloc[0]
        return str(row.definition)


def load(warehouse: Path, annee: str) -> ReportData:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        indicateurs = con.execute(
            "select i.*, c.modalite_ordre, c.indicateur_ordre, c.famille "
            "from marts.indicateurs i join marts.catalogue_indicateurs c "
            "using (indicateur, modalite) where i.annee_scolaire = ?",
            [annee],
        ).df()
        catalogue = con.execute("select * from marts.catalogue_indicateurs").df()
        rapprochement = con.execute(
            "select * from marts.rapprochement_publication where annee_scolaire = ? "
            "order by statut, figure_id",
            [annee],
        ).df()
        qualite = con.execute(
            "select * from marts.qualite_saisie where annee_scolaire = ? and structure_id is null",
            [annee],
        ).df()
        annees = [
            r[0]
            for r in con.execute(
                "select distinct annee_scolaire from marts.indicateurs order by 1"
            ).fetchall()
        ]
    if indicateurs.empty:
        raise ValueError(
            f"marts.indicateurs n'a aucune ligne pour {annee} : chargez le dépôt de cette "
            "année et reconstruisez les modèles (make run)."
        )
    return ReportData(annee, indicateurs, catalogue, rapprochement, qualite, annees)
