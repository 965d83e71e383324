"""Open data: the indicators of a school year under statistical disclosure control.

`ecrire_secret` records, in the work warehouse, which cells the public outputs
suppress and why (`marts.secret_statistique`: the cell keys and the reason); the
analysts' file keeps the exact figures and gains that reason as a column of
`marts.indicateurs` (alses/publish.py). `exporter` writes, for one school year,
`opendata/<annee>/indicateurs_alses_<annee>.csv` (UTF-8, comma-separated), the same as
Parquet, a Frictionless `datapackage.json` and a README.

python -m alses.opendata  (make opendata): every school year of the warehouse.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import sys
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from alses import engine
from alses.disclosure import CLES, appliquer_secret, masquer
from alses.marts import TYPES as TYPES_CONTRAT
from alses.marts import colonnes
from alses.report.formats import accents
from alses.secret import DEFINITION, MARQUE, MOTIF_PRIMAIRE, SEUIL
from alses.settings import ROOT, empreinte_sources, settings
from alses.sql import literal, literals

#: marts.indicateurs' columns, from its dbt contract (alses/marts.py).
COLONNES = [c.name for c in colonnes("indicateurs")]
TYPES = {c.name: TYPES_CONTRAT[c.data_type] for c in colonnes("indicateurs") if c.nombre}
DESCRIPTION_SECRET = (
    "Secret statistique : vide quand la cellule est publiée ; sinon la raison pour "
    "laquelle les sorties publiques (rapport, fiches territoriales, données ouvertes) la "
    f"masquent : « {MOTIF_PRIMAIRE} » (effectif ou base de 1 à {SEUIL - 1} sous le "
    "département), « part sensible de 0 % ou 100 % » (mesures, hébergement, aides "
    "financières, par territoire) ou « secret secondaire » (masquée pour qu'aucune cellule "
    "masquée ne se recalcule à partir des autres). Le fichier des analystes garde les "
    "chiffres exacts ; les sorties publiques ne disent jamais la raison."
)
#: The open data's column: the mark only, never the reason.
DESCRIPTION_MARQUE = f"Secret statistique : vide quand la cellule est publiée. {DEFINITION}"
LICENCE = {
    "name": "etalab-2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "title": "Licence Ouverte / Open Licence version 2.0",
}


def indicateurs_publics(
    con: duckdb.DuckDBPyConnection, annees: list[str] | None = None
) -> pd.DataFrame:
    """Every row of marts.indicateurs under disclosure control (all years at once, so
    that each year's `valeur_n_1` follows the previous year's suppressions), or the
    rows of `annees` only (their `valeur_n_1` blanked where the previous year is not
    among them): a year's suppression pattern depends on that year's cells alone (every
    equation of alses/disclosure.py's Plan binds cells of one school year; checked on
    random tables by tests/test_disclosure.py, on the demo by tests/test_opendata.py)."""
    filtre = ""
    if annees is not None:
        filtre = f"where annee_scolaire in ({literals(annees)}) "
    exactes = con.execute(
        f"select {', '.join(COLONNES)} from marts.indicateurs {filtre}order by {', '.join(CLES)}"
    ).df()
    return appliquer_secret(exactes)


#: The files whose rules decide the suppressions (a change computes every year again).
REGLES_SECRET = ("alses/disclosure.py", "alses/opendata.py", "alses/territoires.py")


def empreintes_cellules(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """{school year: fingerprint of its rows of marts.indicateurs (every column the
    disclosure control reads) and of the rules (REGLES_SECRET, and dbt_project.yml as
    every fingerprint of the project's sources)}."""
    regles = empreinte_sources(REGLES_SECRET)[:16]
    lignes = ", ".join(COLONNES)
    return {
        annee: f"{empreinte}:{regles}"
        for annee, empreinte in con.execute(
            f"select annee_scolaire, md5(string_agg(cast(({lignes}) as varchar), chr(10) "
            f"order by {', '.join(CLES)})) from marts.indicateurs group by 1"
        ).fetchall()
    }


def lire_publiques(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The public cells from marts.indicateurs and the recorded marts.secret_statistique
    (no recomputation)."""
    cellules = con.execute(
        f"select {', '.join(f'i.{c}' for c in COLONNES)}, s.secret_statistique "
        "from marts.indicateurs as i left join marts.secret_statistique as s "
        f"on {' and '.join(f'i.{c} = s.{c}' for c in CLES)} "
        f"order by {', '.join(f'i.{c}' for c in CLES)}"
    ).df()
    secret = cellules.pop("secret_statistique")
    return masquer(cellules, secret)


def ecrire_secret(warehouse: Path) -> pd.DataFrame:
    """Write marts.secret_statistique (suppressed cells: keys and reason); return the
    public cells of the years computed.

    DuckDB: only the school years whose cells or rules changed since they were last
    computed (their fingerprints, `empreintes_cellules`, kept in
    pilotage.secret_par_annee) are computed again; the other years' rows stay as
    recorded, those of a year no longer in marts.indicateurs go. Every year when either
    table is missing; on PostgreSQL, always (the table rewritten whole)."""
    with engine.connect(warehouse, read_only=False) as con:  # DuckDB or PostgreSQL
        pg = isinstance(con, engine.PgConnection)
        annees = None
        if not pg:
            empreintes = empreintes_cellules(con)
            if engine.exists(con, "marts", "secret_statistique") and engine.exists(
                con, "pilotage", "secret_par_annee"
            ):
                connues = dict(
                    con.execute(
                        "select annee_scolaire, empreinte from pilotage.secret_par_annee"
                    ).fetchall()
                )
                annees = sorted(a for a, e in empreintes.items() if connues.get(a) != e)
        publiques = indicateurs_publics(con, annees)
        secret = publiques.loc[
            publiques["secret_statistique"].notna(), [*CLES, "secret_statistique"]
        ]
        if pg:
            ordre = secret.sort_values([*CLES, "secret_statistique"]).reset_index(drop=True)
            engine.write_df(con, "marts", "secret_statistique", ordre)
        else:
            colonnes = f"{', '.join(CLES)}, secret_statistique"
            gardees = "select * from secret_df"
            if annees is not None:  # the other years' rows, as recorded
                autres = sorted(set(empreintes) - set(annees))
                con.execute(
                    f"create or replace temp table secret_garde as select {colonnes} "
                    "from marts.secret_statistique where annee_scolaire in "
                    f"({literals(autres)})"
                )
                gardees += " union all select * from secret_garde"
            con.register("secret_df", secret)
            # Typed: with no cell suppressed (large counts), pandas' empty columns
            # would give DuckDB columns of type NULL.
            typees = ", ".join(f"{c}::varchar as {c}" for c in [*CLES, "secret_statistique"])
            con.execute(
                "create or replace table marts.secret_statistique as "
                f"select {typees} from ({gardees}) order by all"
            )
            con.unregister("secret_df")
            con.execute("drop table if exists secret_garde")
            con.execute("create schema if not exists pilotage")
            con.execute(
                "create or replace table pilotage.secret_par_annee "
                "(annee_scolaire varchar, empreinte varchar)"
            )
            con.executemany(
                "insert into pilotage.secret_par_annee values (?, ?)", sorted(empreintes.items())
            )
        con.execute(
            "comment on table marts.secret_statistique is 'Cellules de marts.indicateurs que "
            "les sorties publiques masquent, avec la raison (alses/disclosure.py ; "
            "docs/secret_statistique.md). Les cellules absentes sont publiées.'"
        )
        descriptions = _descriptions()
        for col in CLES:
            con.execute(
                f"comment on column marts.secret_statistique.{col} is "
                f"{literal(descriptions.get(col, ''))}"
            )
        con.execute(
            "comment on column marts.secret_statistique.secret_statistique is "
            f"{literal(DESCRIPTION_SECRET)}"
        )
    return publiques


def _descriptions() -> dict[str, str]:
    """The French description of each column of marts.indicateurs (its dbt yml)."""
    path = ROOT / "models" / "marts" / "indicateurs" / "_indicateurs__models.yml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    modele = next(m for m in doc["models"] if m["name"] == "indicateurs")
    return {c["name"]: c["description"].strip() for c in modele["columns"]}


def _schema() -> dict:
    descriptions = _descriptions()
    champs = []
    for col in COLONNES:
        champ = {
            "name": col,
            "type": TYPES.get(col, ("varchar", "string"))[1],
            "description": descriptions[col],
        }
        if col in CLES:
            champ["constraints"] = {"required": True}
        if col == "perimetre":
            champ["constraints"]["enum"] = ["ALSES", "PS"]
        if col == "unite":
            champ["constraints"] = {"enum": ["pct", "nombre"]}
        champs.append(champ)
    champs.append(
        {
            "name": "secret_statistique",
            "type": "string",
            "description": DESCRIPTION_MARQUE,
            "constraints": {"enum": [MARQUE]},
        }
    )
    return {"fields": champs, "primaryKey": CLES, "missingValues": [""]}


#: The producer and contact the open data names (datapackage.json, README).
PRODUCTEUR = {
    "title": "Association Prévention Spécialisée Nationale (APSN), Centre de Ressources de "
    "la Prévention Spécialisée du Nord",
    "role": "publisher",
    "email": "secretariat@apsn-prev.fr",
    "path": "https://apsn-prev.org",
}
#: The coded columns whose code list datapackage.json gives.
CODES = ("perimetre", "territoire_code", "indicateur", "modalite", "unite")


def exporter(publiques: pd.DataFrame, annee: str, dossier: Path) -> dict[str, Path]:
    """Write the open-data files of `annee` under `dossier/<annee>/`; return their paths."""
    annee_df = publiques[publiques["annee_scolaire"] == annee].copy()
    if annee_df.empty:
        raise ValueError(
            f"Aucun indicateur pour {annee} dans l'entrepôt : chargez le dépôt de l'année "
            "et construisez les modèles (make run) avant l'export."
        )
    # The public sees the mark, never the reason (kept in marts.secret_statistique).
    masquees = annee_df["secret_statistique"].notna()
    annee_df["secret_statistique"] = pd.Series(None, index=annee_df.index, dtype=object)
    annee_df.loc[masquees, "secret_statistique"] = MARQUE
    for col in ("indicateur_libelle", "modalite_libelle", "territoire_libelle"):
        if col in annee_df:  # capital accents the nomenclature leaves out
            annee_df[col] = annee_df[col].map(accents)
    cible = dossier / annee
    cible.mkdir(parents=True, exist_ok=True)
    nom = f"indicateurs_alses_{annee}"
    csv_path, parquet_path = cible / f"{nom}.csv", cible / f"{nom}.parquet"
    select = ", ".join(
        f"cast({c} as {TYPES[c][0]}) as {c}" if c in TYPES else c
        for c in [*COLONNES, "secret_statistique"]
    )
    with duckdb.connect() as con:
        con.register("cellules", annee_df)
        requete = f"select {select} from cellules order by {', '.join(CLES)}"
        con.execute(f"copy ({requete}) to {literal(csv_path)} (header, delimiter ',')")
        con.execute(f"copy ({requete}) to {literal(parquet_path)} (format parquet)")
    # UTF-8 with a byte-order mark: French Excel opens it with its accents
    csv_path.write_bytes(codecs.BOM_UTF8 + csv_path.read_bytes())
    schema = _schema()
    for champ in schema["fields"]:  # the code list of every coded column
        if champ["name"] in CODES:
            champ["constraints"] = {"enum": sorted(map(str, annee_df[champ["name"]].unique()))}
    paquet = {
        "name": f"indicateurs-alses-{annee}",
        "title": f"Indicateurs ALSES de la Prévention Spécialisée du Nord, {annee}",
        "description": (
            "Les indicateurs du rapport annuel ALSES (Prévention Spécialisée du Nord) de "
            f"l'année scolaire {annee}, pour le département et ses sept territoires, sous "
            "secret statistique. Voir README.md."
        ),
        "licenses": [LICENCE],
        "contributors": [PRODUCTEUR],
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "updated": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "temporal": {"start": f"{annee[:4]}-09-01", "end": f"{annee[5:]}-08-31"},
        "spatial": "Département du Nord (59), France, et ses sept territoires",
        "frequency": "annuelle (à chaque année scolaire, avec le rapport annuel)",
        "resources": [
            {
                "name": nom.replace("-", "_"),
                "path": csv_path.name,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "dialect": {"delimiter": ",", "header": True},
                "schema": schema,
            }
        ],
    }
    json_path = cible / "datapackage.json"
    json_path.write_text(json.dumps(paquet, ensure_ascii=False, indent=2) + "\n", "utf-8")
    readme = cible / "README.md"
    readme.write_text(_readme(annee, annee_df, nom), encoding="utf-8")
    return {"csv": csv_path, "parquet": parquet_path, "datapackage": json_path, "readme": readme}


def _readme(annee: str, cellules: pd.DataFrame, nom: str) -> str:
    masquees = int(cellules["secret_statistique"].notna().sum())
    return f"""# Indicateurs ALSES {annee} — données ouvertes

Les indicateurs du rapport annuel ALSES (accompagnement des collégiens par la Prévention
Spécialisée du Nord) pour l'année scolaire {annee} : pour chaque indicateur, chaque
modalité, le département (`NORD`) et ses sept territoires, et les deux périmètres
(`ALSES` et `PS`), l'effectif (`numerateur`), la base (`denominateur`), la part
(`valeur`, en %), le rang et l'évolution sur l'année précédente. Ces données
accompagnent le rapport annuel ALSES {annee} (`rapport_alses_{annee}.pdf`), dont elles
reprennent les chiffres.

- `{nom}.csv` : UTF-8 avec marque d'ordre des octets (BOM, pour qu'Excel l'ouvre avec
  ses accents), séparateur virgule, une ligne d'en-tête ; cellule vide = valeur
  absente ;
- `{nom}.parquet` : le même contenu au format Parquet ;
- `datapackage.json` : description Frictionless (Table Schema) de chaque colonne, avec
  la liste des codes de chaque colonne codée (périmètre, territoire, indicateur,
  modalité, unité) ; leurs libellés sont dans les colonnes `*_libelle`.

## Producteur, couverture, mise à jour

- Producteur : {PRODUCTEUR["title"]}, 112 rue d'Arras, 59000 Lille ; contact :
  {PRODUCTEUR["email"]} ({PRODUCTEUR["path"]}).
- Couverture : année scolaire {annee} (du 1er septembre {annee[:4]} au 31 août
  {annee[5:]}) ; département du Nord (`NORD`) et ses sept Directions Déléguées de
  Territoire.
- Fréquence : annuelle, avec le rapport annuel ; créé et mis à jour le
  {dt.date.today().strftime("%d/%m/%Y")}.
- Parts en pourcentage à la précision du calcul ; le rapport les imprime à une
  décimale.

## Licence

Licence Ouverte / Open Licence version 2.0 (Etalab) : réutilisation libre, y compris
commerciale, sous réserve de mentionner la source (« Département du Nord — Prévention
Spécialisée, indicateurs ALSES {annee} ») et la date de mise à jour.

## Méthode

Les indicateurs sont calculés à partir des fiches saisies par les équipes dans la base
BDC (usagers, situations, interventions), selon les définitions du rapport : un jeune
accompagné est compté une fois par année et par périmètre ; les parts excluent le
« non renseigné » ; le territoire d'un jeune est celui de la structure qui tient sa
fiche Usager, celui d'une intervention celui de la structure du poste qui l'a écrite,
comme dans le rapport. Les sources et les
définitions de chaque indicateur sont dans la colonne `indicateur_libelle` et dans le
rapport.

## Secret statistique

Les données portent sur des mineurs suivis par des éducateurs. Sous le département, une
cellule n'est pas publiée quand elle porte sur moins de {SEUIL} jeunes (ou
interventions, mobilisations), quand elle dirait « aucun » ou « tous » d'un indicateur
sensible (mesures de protection, hébergement, aides financières), ou pour qu'aucune
cellule masquée ne puisse se recalculer, même d'un intervalle étroit, à partir de tout
ce qui est publié (toutes années et tous fichiers confondus). Le département n'est
jamais masqué.

{DEFINITION} Une cellule masquée a `numerateur`, `denominateur`, `valeur`, `rang`,
`valeur_n_1` et `evolution_points` vides, et « {MARQUE} » dans `secret_statistique`.
Sous le département, `rang` classe les seules modalités publiées du territoire.
L'évolution est vide quand la cellule de l'année précédente était masquée.

Cellules masquées cette année : {masquees}.
"""


def main() -> int:
    cfg = settings()
    if cfg.target == "duckdb" and not cfg.warehouse.is_file():
        print(f"Pas d'entrepôt ({cfg.warehouse}) : lancez d'abord make run.", file=sys.stderr)
        return 1
    ecrire_secret(cfg.warehouse)  # the years whose cells or rules changed
    with engine.connect(cfg.warehouse, read_only=True) as con:
        publiques = lire_publiques(con)  # every year of the warehouse, as recorded
    dossiers = {
        annee: exporter(publiques, annee, cfg.opendata_dir)["csv"].parent
        for annee in sorted(publiques["annee_scolaire"].unique())
    }
    print(resume(publiques, dossiers))
    return 0


def resume(publiques: pd.DataFrame, dossiers: dict[str, Path]) -> str:
    """`make opendata`'s summary: per school year, the cells written, published and
    masked, and the folder (a French table, numbers grouped by thin spaces)."""

    def n(x: int) -> str:
        return f"{x:,}".replace(",", "\u202f")

    lignes = [("Année", "Cellules", "Publiées", "Masquées", "Dossier")]
    for annee, dossier in dossiers.items():
        cellules = publiques[publiques["annee_scolaire"] == annee]
        masquees = int(cellules["secret_statistique"].notna().sum())
        lignes.append(
            (annee, n(len(cellules)), n(len(cellules) - masquees), n(masquees), str(dossier))
        )
    largeurs = [max(len(ligne[i]) for ligne in lignes) for i in range(4)]
    texte = [
        f"Données ouvertes : {len(dossiers)} année(s) écrite(s) (CSV, Parquet, "
        "datapackage.json, README.md)."
    ]
    for ligne in lignes:
        cases = [ligne[0].ljust(largeurs[0])] + [
            c.rjust(w) for c, w in zip(ligne[1:4], largeurs[1:4], strict=True)
        ]
        texte.append("  " + "  ".join(cases) + "  " + ligne[4])
    return "\n".join(texte)


if __name__ == "__main__":
    raise SystemExit(main())
