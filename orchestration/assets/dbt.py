"""dbt models as Dagster assets: sources are the raw extraction assets, so the lineage
runs unbroken from each BDC file to each fact; dbt tests surface as asset checks.

Every intermediate model, fact and per-year mart is incremental on annee_scolaire
(dbt_project/macros/increments.sql): a run recomputes its school years there
(`ALSES_DBT_ANNEES`), and in marts.indicateurs the next loaded year of each too
(`ALSES_DBT_ANNEES_SUIVANTES`: its valeur_n_1 and evolution_points read them); the other
years' rows are left as they are. Dimensions are tables, rebuilt whole; staging views. When the
dbt project itself changed since the last build (its fingerprint, stored in the
warehouse — on PostgreSQL, on the server), the run rebuilds every year (--full-refresh).
"""

import hashlib
import re
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets, get_asset_key_for_model

from alses.contract import annee_decalee
from alses.engine import connect, exists
from alses.pseudonym import SecretError, jeune_key, pseudo_secret
from alses.retention import annees_purgees, geler
from alses.settings import empreinte_sources, is_demo, settings
from orchestration.analyse_dbt import dbt_env, reprendre_analyse
from orchestration.partitions import annee_scolaire
from orchestration.project import dbt_project
from orchestration.rendus import prechauffer

#: The marts that recompute the next loaded year too (they read the previous year).
LISENT_ANNEE_PRECEDENTE = ("indicateurs",)
#: What a dbt build depends on besides the data: a change rebuilds every year.
SOURCES_DBT = ("models", "seeds", "dbt_project/macros", "tests/dbt")


class AlsesTranslator(DagsterDbtTranslator):
    """Groups assets by folder: seeds, staging, intermediate, core (dimensions and facts)
    and marts (the analysts' tables under models/marts/ other than core)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        folders = fqn[1:-1]
        if not folders:
            return None
        if folders[0] == "marts" and len(folders) > 1:
            return "core" if folders[1] == "core" else "marts"
        return folders[0]


def empreinte_projet(bdc_dir=None) -> str:
    """A fingerprint of the dbt project's sources (models, seeds, macros, tests) and of
    the pseudonymisation secret: a new secret changes every year's keys (raw.cles_jeunes
    is recomputed whole at each load), so every year is rebuilt (docs/contrat_bdc.md).
    The secret enters only through the key of a fixed identifier, hashed again."""
    cle = ""
    if bdc_dir is not None:
        try:
            cle = jeune_key(pseudo_secret(bdc_dir), "alses-empreinte-cles")
        except SecretError:  # no secret: the extraction refuses to load anyway
            cle = ""
    projet = empreinte_sources(SOURCES_DBT)
    return hashlib.sha256(f"{projet}:{cle}".encode()).hexdigest()[:16]


def _etat(con) -> tuple[str | None, list[str]]:
    """(fingerprint of the project last built, school years loaded in raw); DuckDB or
    PostgreSQL (information_schema, portable SQL)."""
    empreinte = None
    if exists(con, "pilotage", "construction_dbt"):
        row = con.execute("select empreinte_projet from pilotage.construction_dbt").fetchone()
        empreinte = row[0] if row else None
    chargees = []
    if exists(con, "raw", "chargements"):
        chargees = [
            r[0]
            for r in con.execute(
                "select distinct annee_scolaire from raw.chargements order by 1"
            ).fetchall()
        ]
    return empreinte, chargees


def _noter_construction(con, empreinte: str) -> None:
    """Record the fingerprint of the project just built (both engines)."""
    con.execute("create schema if not exists pilotage")
    con.execute("drop table if exists pilotage.construction_dbt")
    # No parameter in a `create table as` on PostgreSQL: created, then inserted into.
    con.execute(
        "create table pilotage.construction_dbt "
        "(empreinte_projet varchar, construit_le timestamp with time zone)"
    )
    con.execute("insert into pilotage.construction_dbt values (?, current_timestamp)", [empreinte])


def annees_a_calculer(
    run: list[str], chargees: list[str], purgees: set[str]
) -> tuple[list[str], list[str]]:
    """(the run's years: every incremental model recomputes them; the next loaded year of
    each, not in the run: marts.indicateurs recomputes it too — its valeur_n_1). Purged
    years are in neither (frozen)."""
    for a in run:  # they enter the models' SQL (increments.sql): school-year keys only
        if not re.fullmatch(r"[0-9]{4}-[0-9]{4}", a):
            raise ValueError(f"Année scolaire inattendue : {a!r} (attendu AAAA-AAAA).")
    annees = set(run) - purgees
    suivantes = ({annee_decalee(a, 1) for a in annees} & set(chargees)) - annees - purgees
    return sorted(annees), sorted(suivantes)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=AlsesTranslator(),
    partitions_def=annee_scolaire,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Build every model, seed and test of the dbt project, recomputing in the
    incremental marts the run's school years (one run may cover several: a backfill is
    one pass) and the next loaded year of each."""
    # On the demo drops every published figure must hold (error); on a real export a
    # gap is information for the coordinators (warning). See tests/dbt/.
    cfg = settings()
    demo = "oui" if is_demo(cfg.bdc_dir) else "non"
    # One target folder per warehouse, overwritten at each run, rather than one per run.
    target = cfg.dbt_target
    purgees: dict[str, str] = {}
    derniere, chargees = None, []
    exclude = []
    postgres = cfg.target == "postgres"
    if postgres:
        # dbt-postgres runs no Python model: comparaisons_territoriales is computed
        # below, from marts.indicateurs, with the same function (alses/comparaisons.py).
        exclude.append(COMPARAISONS)
    if postgres or cfg.warehouse.is_file():
        with connect(read_only=True) as con:
            if not postgres:  # retention purges DuckDB warehouses only (alses/retention.py)
                purgees = annees_purgees(con)
            derniere, chargees = _etat(con)
    empreinte = empreinte_projet(cfg.bdc_dir)
    run = list(context.partition_keys)
    annees, suivantes = annees_a_calculer(run, chargees, set(purgees))
    # The run's parameters reach dbt through the environment, not --vars: a change of
    # vars makes dbt parse the whole project again (increments.sql).
    # dbt's log file (dbt.log in the target folder) at info, as the run's log: at debug it
    # writes every SQL statement, ≈ 12 % of a demo build's CPU.
    env = {"ALSES_DBT_DEMO": demo, "DBT_LOG_LEVEL_FILE": "info"}
    # dbt's unit tests check the models' code, not the data: `make test` runs them
    # (tests/test_dbt.py), a production build does not (dbt's own advice).
    args = ["build", "--exclude-resource-type", "unit_test"]
    complet = derniere != empreinte
    if complet:
        # The project changed (or was never built here): every year, and the seeds
        # reloaded whole (a seed whose columns changed is replaced, not appended to).
        args.append("--full-refresh")
        context.log.info("Projet dbt modifié depuis la dernière construction : toutes les années.")
    else:
        env["ALSES_DBT_ANNEES"] = ",".join(annees)
        env["ALSES_DBT_ANNEES_SUIVANTES"] = ",".join(suivantes)
        context.log.info(
            f"Années recalculées : {', '.join(annees) or 'aucune'}"
            + (f" ; dans marts.indicateurs aussi : {', '.join(suivantes)}" if suivantes else "")
        )
    # A full refresh recreates every table: the purged years' marts, computed from a
    # purged drop, are wrong until `geler` puts the archived rows back; the
    # reconciliation and its test run again then. An incremental run never recomputes a
    # purged year: its frozen rows stay in place, nothing to put back.
    regeler = complet and bool(purgees)
    if regeler:
        exclude.append(RAPPROCHEMENT[-1])  # its test; the model still runs
    if exclude:
        args += ["--exclude", *exclude]
    dbt_env(env)
    reprendre_analyse(target)
    prechauffer(context.run.asset_selection)  # the report's processes, beside dbt's start
    yield from dbt.cli(args, context=context, target_path=target).stream()
    if postgres:
        # Imported here: only PostgreSQL needs it in this process.
        from alses.comparaisons import ecrire_comparaisons

        n = ecrire_comparaisons(dbt_project.manifest_path)
        key = get_asset_key_for_model([dbt_models], COMPARAISONS)
        yield dg.Output(
            None,
            output_name=context.assets_def.get_output_name_for_asset_key(key),
            metadata={"lignes": n, "moteur": "PostgreSQL (asset Python, pas dbt)"},
        )
    if regeler:
        with connect(read_only=False) as con:
            gelees = geler(con)
        context.log.info(f"Indicateurs gelés remis en place : {', '.join(gelees)}")
        dbt.cli(
            ["build", "--select", " ".join(RAPPROCHEMENT)],
            manifest=dbt_project.manifest_path,
            target_path=target,
        ).wait()
    with connect(read_only=False) as con:
        _noter_construction(con, empreinte)
    # The next loaded year's marts changed too (valeur_n_1): recorded as materialized,
    # its report and sheets become stale in Dagster.
    for annee in suivantes:
        for name in LISENT_ANNEE_PRECEDENTE:
            context.log_event(
                dg.AssetMaterialization(
                    asset_key=get_asset_key_for_model([dbt_models], name),
                    partition=annee,
                    description=f"valeur_n_1 et evolution_points recalculés après {run}",
                )
            )


#: The dbt Python model computed by Dagster on PostgreSQL.
COMPARAISONS = "comparaisons_territoriales"

#: Rebuilt after the frozen marts are back (it reads the previous year's values).
RAPPROCHEMENT = ("rapprochement_publication", "assert_chiffres_publies_conformes")
