"""Extraction: one BDC drop (one school year) → the `raw` tables, with row accounting."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from alses.contract import TABLES
from alses.depots import check_drops
from alses.engine import connect, pg_connect
from alses.extract import load_drop
from alses.pgload import load_drop_postgres
from alses.retention import annee_purgee, message_purgee
from alses.settings import school_year_folders, settings
from orchestration.partitions import annee_scolaire

RAW_KEYS = {t.name: dg.AssetKey(["raw", t.name]) for t in TABLES}
QUARANTAINE = dg.AssetKey(["raw", "quarantaine"])
CLES = dg.AssetKey(["raw", "cles_jeunes"])
CHARGEMENTS = dg.AssetKey(["raw", "chargements"])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(key, group_name="raw", description=f"Table BDC « {name} » telle que lue.")
        for name, key in RAW_KEYS.items()
    ]
    + [
        dg.AssetSpec(
            QUARANTAINE,
            group_name="raw",
            description="Lignes écartées et valeurs vidées, avec fichier, ligne, colonne et motif.",
        ),
        dg.AssetSpec(
            CLES,
            group_name="raw",
            description="Clé pseudonyme de chaque usager_id chargé (HMAC-SHA256, secret "
            "ALSES_PSEUDO_SECRET jamais écrit).",
        ),
        dg.AssetSpec(
            CHARGEMENTS,
            group_name="raw",
            description="Par fichier : lignes lues, chargées, écartées, valeurs vidées.",
        ),
    ],
    check_specs=[
        dg.AssetCheckSpec(
            "lignes_lues_egal_chargees_plus_ecartees",
            asset=key,
            description="Par fichier : lignes lues = lignes chargées + lignes écartées.",
            blocking=True,
        )
        for key in RAW_KEYS.values()
    ],
    partitions_def=annee_scolaire,
    backfill_policy=dg.BackfillPolicy.single_run(),
    can_subset=False,
)
def bdc_raw(context: dg.AssetExecutionContext, warehouse: DuckDBResource):
    """Load the drop of each of the run's school years into schema `raw`, replacing
    that year's rows (a backfill loads every year in one run)."""
    cfg = settings()
    # before anything is read: no demo and real years together, no secret no load
    secret = check_drops(cfg.bdc_dir, school_year_folders(cfg.bdc_dir))
    annees = list(context.partition_keys)
    postgres = cfg.target == "postgres"
    totals: dict[str, dict[str, int]] = {}
    fichiers: dict[str, list[str]] = {}
    passed: dict[str, bool] = {}
    rejets = 0
    for annee in annees:
        # Retention (DuckDB only, see README): a purged year is never reloaded.
        if not postgres and (purgee_le := annee_purgee(cfg.warehouse, annee)):
            if len(annees) == 1:
                raise dg.Failure(message_purgee(annee, purgee_le))
            context.log.info(message_purgee(annee, purgee_le))
            continue
        drop = cfg.bdc_dir / annee
        if not drop.is_dir():
            raise dg.Failure(
                f"Aucun dépôt pour {annee} : le dossier {drop} n'existe pas. Déposez l'export "
                f"BDC de l'année dans {cfg.bdc_dir}/{annee}/ (ou réglez ALSES_BDC_DIR)."
            )
        if postgres:  # the same extraction in DuckDB, then COPY (one transaction per year)
            with pg_connect(cfg.postgres) as pg:
                loads = load_drop_postgres(
                    pg, drop, cfg.nomenclatures, secret=secret, buildable=True
                )
        with connect() if postgres else warehouse.get_connection() as con:
            if not postgres:
                loads = load_drop(con, drop, cfg.nomenclatures, secret=secret, buildable=True)
            accounted = {
                r[0]: r[1:]
                for r in con.execute(
                    "select c.table_bdc, c.lignes_lues, (select count(*) from raw.quarantaine q "
                    "  where q.annee_scolaire = c.annee_scolaire and q.table_bdc = c.table_bdc "
                    "  and q.traitement = 'ligne écartée'), "
                    "c.lignes_chargees from raw.chargements c where c.annee_scolaire = ?",
                    [annee],
                ).fetchall()
            }
            stored = {
                t.name: con.execute(
                    f"select count(*) from raw.{t.name} where annee_scolaire = ?", [annee]
                ).fetchone()[0]
                for t in TABLES
            }
        for tl in loads:
            lues, ecartees, chargees = accounted[tl.table]
            total = totals.setdefault(
                tl.table,
                {"lignes_lues": 0, "lignes_chargees": 0, "lignes_ecartees": 0, "valeurs_videes": 0},
            )
            total["lignes_lues"] += lues
            total["lignes_chargees"] += stored[tl.table]
            total["lignes_ecartees"] += ecartees
            total["valeurs_videes"] += tl.videes
            fichiers.setdefault(tl.table, []).append(tl.fichier)
            passed[tl.table] = passed.get(tl.table, True) and bool(
                lues == stored[tl.table] + ecartees and chargees == stored[tl.table]
            )
            rejets += tl.ecartees + tl.videes
    for table in RAW_KEYS:  # every output and check, even for a purged year skipped
        total = totals.get(table, {"lignes_lues": 0, "lignes_chargees": 0, "lignes_ecartees": 0})
        yield dg.MaterializeResult(
            asset_key=RAW_KEYS[table],
            metadata={"fichier": ", ".join(fichiers.get(table, []))} | total,
        )
        yield dg.AssetCheckResult(
            check_name="lignes_lues_egal_chargees_plus_ecartees",
            asset_key=RAW_KEYS[table],
            passed=passed.get(table, True),
            metadata={
                "lues": total["lignes_lues"],
                "chargees": total["lignes_chargees"],
                "ecartees": total["lignes_ecartees"],
            },
        )
    yield dg.MaterializeResult(asset_key=CHARGEMENTS, metadata={"fichiers": len(totals)})
    yield dg.MaterializeResult(asset_key=CLES)
    yield dg.MaterializeResult(asset_key=QUARANTAINE, metadata={"rejets": rejets})
