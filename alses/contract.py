"""The BDC export contract, version 1, as data (see docs/contrat_bdc.md).

One place describes every table of a drop: its file, key, columns, types,
required fields and references. Extraction and the demo generator both read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["text", "date", "int", "yesno", "code", "ref"]

#: Columns that identify a minor: never read past the CSV parser, never written.
PERSONAL_COLUMNS = frozenset({"nom", "prenom", "adresse", "reseaux_sociaux"})


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "text"
    required: bool = False
    multi: bool = False
    nomenclature: str | None = None  # for kind == "code"
    ref: tuple[str, ...] = ()  # referenced tables, for kind == "ref"
    lo: int | None = None  # range of an int
    hi: int | None = None
    pattern: str | None = None  # regex a text value must match


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    optional_file: bool = False
    #: required date that must fall inside the school year
    in_year_date: str | None = None
    personal: frozenset[str] = field(default_factory=frozenset)

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _code(name: str, nomenclature: str | None = None, **kw) -> Column:
    return Column(name, "code", nomenclature=nomenclature or name, **kw)


def _ref(name: str, *tables: str, **kw) -> Column:
    return Column(name, "ref", ref=tables, **kw)


_ACTION_COMMON = (
    _ref("poste_id", "postes"),
    _code("type_action"),
    _code("thematique"),
    _code("initiative"),
    _ref("partenaires", "partenaires", multi=True),
    _code("financements", "financement", multi=True),
    _code("objectifs", "objectif", multi=True),
    _code("communication", multi=True),
    Column("nb_participants_non_accompagnes", "int", lo=0),
)

#: In dependency order: a table only refers to tables listed before it.
TABLES: tuple[Table, ...] = (
    Table(
        "structures",
        ("structure_id",),
        (
            Column("structure_id", required=True),
            Column("nom"),
            _code("territoire", required=True),
        ),
    ),
    Table(
        "colleges",
        ("college_uai",),
        (
            Column("college_uai", required=True, pattern=r"^[0-9]{7}[A-Z]$"),
            Column("nom"),
            Column("commune"),
            _code("territoire", required=True),
            _code("education_prioritaire"),
        ),
    ),
    Table(
        "postes",
        ("poste_id",),
        (
            Column("poste_id", required=True),
            _ref("structure_id", "structures", required=True),
            _code("fonction", "fonction_poste", required=True),
            Column("plan_pauvrete", "yesno"),
            _ref("colleges_uai", "colleges", multi=True),
            Column("date_debut", "date", required=True),
            Column("date_fin", "date"),
        ),
    ),
    Table(
        "partenaires",
        ("partenaire_id",),
        (
            Column("partenaire_id", required=True),
            Column("nom"),
            _code("type", "type_partenaire", required=True),
            _code("territoire"),
            _ref("college_uai", "colleges"),
        ),
    ),
    Table(
        "affectations",
        ("poste_id", "educateur_id", "date_debut"),
        (
            _ref("poste_id", "postes", required=True),
            Column("educateur_id", required=True),
            Column("date_debut", "date", required=True),
            Column("date_fin", "date"),
        ),
    ),
    Table(
        "usagers",
        ("usager_id",),
        (
            Column("usager_id", required=True),
            _ref("structure_id", "structures", required=True),
            Column("date_naissance", "date"),
            _code("sexe"),
            Column("commune_residence"),
            Column("date_debut_accompagnement", "date"),
            _code("origine_demande"),
            _code("origine_fonction_etab", "fonction_etablissement"),
            _code("demande_principale", "thematique"),
            _code("demande_scolarite"),
            Column("date_creation", "date"),
            Column("date_modification", "date"),
        ),
        personal=PERSONAL_COLUMNS,
    ),
    Table(
        "situations",
        ("situation_id",),
        (
            Column("situation_id", required=True),
            _ref("usager_id", "usagers", required=True),
            Column("date_situation", "date", required=True),
            _code("scolarite"),
            _ref("college_uai", "colleges"),
            _code("classe"),
            _code("hebergement"),
            _code("mesures", "mesure", multi=True),
            _code("aides_financieres", "aide_financiere", multi=True),
            _code("configuration_familiale"),
            _code("ressources_familiales", "ressource", multi=True),
            _code("situation_professionnelle"),
            _code("diplome"),
        ),
    ),
    Table(
        "interventions",
        ("intervention_id",),
        (
            Column("intervention_id", required=True),
            _ref("usager_id", "usagers", required=True),
            _ref("poste_id", "postes", required=True),
            Column("date_intervention", "date", required=True),
            Column("duree_minutes", "int", lo=1, hi=720),
            Column("jeune_present", "yesno"),
            _code("lieu"),
            _code("objectifs", "objectif", multi=True),
            _code("membres_famille", "membre_famille", multi=True),
            _code("objectifs_famille", "objectif_famille", multi=True),
            _ref("partenaires", "partenaires", multi=True),
            _code("dispositifs_internes", "dispositif", multi=True),
        ),
        in_year_date="date_intervention",
    ),
    Table(
        "actions_ponctuelles",
        ("action_id",),
        (
            Column("action_id", required=True),
            _ref("structure_id", "structures", required=True),
            Column("date_action", "date", required=True),
            *_ACTION_COMMON,
        ),
        optional_file=True,
        in_year_date="date_action",
    ),
    Table(
        "actions_collectives",
        ("action_id",),
        (
            Column("action_id", required=True),
            _ref("structure_id", "structures", required=True),
            Column("date_debut", "date", required=True),
            Column("date_fin", "date"),
            *_ACTION_COMMON,
            Column("dispositif_projet"),
            _code("porteur"),
        ),
        optional_file=True,
        in_year_date="date_debut",
    ),
    Table(
        "actions_participants",
        ("action_id", "usager_id"),
        (
            _ref("action_id", "actions_ponctuelles", "actions_collectives", required=True),
            _ref("usager_id", "usagers", required=True),
        ),
        optional_file=True,
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

#: The workbook form of a drop: one sheet per table, named like the CSV without `.csv`.
WORKBOOK_NAME = "bdc_export.xlsx"

#: Age bounds on 1 January outside which `date_naissance` is emptied.
AGE_MIN, AGE_MAX = 5, 30


def school_year_bounds(annee_scolaire: str) -> tuple[str, str]:
    """`2021-2022` → ('2021-09-01', '2022-08-31'), inclusive."""
    start, end = parse_school_year(annee_scolaire)
    return f"{start}-09-01", f"{end}-08-31"


def parse_school_year(annee_scolaire: str) -> tuple[int, int]:
    parts = annee_scolaire.split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 4 for p in parts):
        raise ValueError(
            f"« {annee_scolaire} » n'est pas une année scolaire : le dossier d'un dépôt "
            "doit être nommé comme `2021-2022`."
        )
    start, end = int(parts[0]), int(parts[1])
    if end != start + 1:
        raise ValueError(
            f"« {annee_scolaire} » n'est pas une année scolaire : la seconde année doit "
            "suivre la première (`2021-2022`)."
        )
    return start, end


#: Where the dbt sources of the raw tables are written (generated: python -m alses.contract).
DBT_SOURCES = "models/staging/bdc/_bdc__sources.yml"


def dbt_sources() -> dict:
    """The dbt sources of schema `raw`, derived from TABLES: a not-null test on a single
    key column, a known-label test on every nomenclature field, a unique key per year.
    tests/test_contract.py fails when the file and the contract differ."""
    tables = []
    for t in TABLES:
        columns = []
        if len(t.key) == 1:
            columns.append({"name": t.key[0], "data_tests": [{"not_null": {}}]})
        for c in t.columns:
            if c.kind != "code":
                continue
            arguments: dict = {"field": c.nomenclature}
            if c.multi:
                arguments["multi"] = True
            columns.append(
                {"name": c.name, "data_tests": [{"known_label": {"arguments": arguments}}]}
            )
        entry: dict = {
            "name": t.name,
            "description": (
                f"Fichier {t.file_name} de chaque dépôt, une année scolaire par annee_scolaire."
            ),
            "meta": {"dagster": {"asset_key": ["raw", t.name]}},
        }
        if columns:
            entry["columns"] = columns
        entry["data_tests"] = [
            {"unique_combination": {"arguments": {"columns": ["annee_scolaire", *t.key]}}}
        ]
        tables.append(entry)
    # The extraction's own tables (not files of the drop).
    for name, description, columns in (
        (
            "quarantaine",
            "Rejets de l'extraction : ligne écartée, valeur vidée, colonne ignorée ou absente.",
            [],
        ),
        (
            "cles_jeunes",
            "Clé pseudonyme de chaque usager_id chargé (toutes années) : HMAC-SHA256 à clé "
            "secrète, calculée à l'extraction ; le secret n'est écrit nulle part.",
            [{"name": "usager_id_bdc", "data_tests": ["not_null", "unique"]}],
        ),
        (
            "chargements",
            "Comptes de lignes lues, chargées, écartées par fichier et par année.",
            [],
        ),
    ):
        entry = {
            "name": name,
            "description": description,
            "meta": {"dagster": {"asset_key": ["raw", name]}},
        }
        if columns:
            entry["columns"] = columns
        tables.append(entry)
    return {
        "version": 2,
        "sources": [
            {
                "name": "bdc",
                "description": (
                    "Tables brutes du dépôt BDC, chargées par l'extraction (schéma raw). Une "
                    "ligne par ligne de fichier chargée ; les rejets sont dans quarantaine."
                ),
                "schema": "raw",
                "tables": tables,
            }
        ],
    }


if __name__ == "__main__":  # regenerate the dbt sources from the contract
    from pathlib import Path

    import yaml

    path = Path(__file__).resolve().parents[1] / DBT_SOURCES
    text = yaml.safe_dump(dbt_sources(), allow_unicode=True, sort_keys=False, width=100)
    path.write_text("# Generated from alses/contract.py: python -m alses.contract\n" + text)
    print(path)
