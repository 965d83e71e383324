"""Extraction: one BDC drop (one school year) → the `raw` tables, with row accounting."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from alses.contract import TABLES
from alses.engine import connect, pg_connect
from alses.extract import load_drop
from alses.pgload import load_drop_postgres
from alses.pseudonym import pseudo_secret
from alses.retention import annee_purgee, message_purgee
from alses.settings import settings
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
    can_subset=False,
)
def bdc_raw(context: dg.AssetExecutionContext, warehouse: DuckDBResource):
    """Load the year's drop into schema `raw`, replacing that year's rows."""
    annee = context.partition_key
    cfg = settings()
    secret = pseudo_secret(cfg.bdc_dir)  # before anything is read: no secret, no load
    # Retention (DuckDB only, see README): a purged year is never reloaded.
    if cfg.target == "duckdb" and (purgee_le := annee_purgee(cfg.warehouse, annee)):
        raise dg.Failure(message_purgee(annee, purgee_le))
    drop = cfg.bdc_dir / annee
    if not drop.is_dir():
        raise dg.Failure(
            f"Aucun dépôt pour {annee} : le dossier {drop} n'existe pas. Déposez l'export BDC "
            f"de l'année dans {cfg.bdc_dir}/{annee}/ (ou réglez ALSES_BDC_DIR)."
        )
    postgres = cfg.target == "postgres"
    if postgres:  # the same extraction in DuckDB, then COPY (one transaction per year)
        with pg_connect(cfg.postgres) as pg:
            loads = load_drop_postgres(pg, drop, cfg.nomenclatures, secret=secret)
    with connect() if postgres else warehouse.get_connection() as con:
        if not postgres:
            loads = load_drop(con, drop, cfg.nomenclatures, secret=secret)
        accounted = {
            r[0]: r[1:]
            for r in con.execute(
                "select c.table_bdc, c.lignes_lues, "
                "(select count(*) from raw.quarantaine q where q.annee_scolaire = c.annee_scolaire "
                "  and q.table_bdc = c.table_bdc and q.traitement = 'ligne écartée'), "
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
        yield dg.MaterializeResult(
            asset_key=RAW_KEYS[tl.table],
            metadata={
                "fichier": tl.fichier,
                "lignes_lues": lues,
                "lignes_chargees": stored[tl.table],
                "lignes_ecartees": ecartees,
                "valeurs_videes": tl.videes,
            },
        )
        yield dg.AssetCheckResult(
            check_name="lignes_lues_egal_chargees_plus_ecartees",
            asset_key=RAW_KEYS[tl.table],
            passed=bool(lues == stored[tl.table] + ecartees and chargees == stored[tl.table]),
            metadata={"lues": lues, "chargees": stored[tl.table], "ecartees": ecartees},
        )
    yield dg.MaterializeResult(asset_key=CHARGEMENTS, metadata={"fichiers": len(loads)})
    yield dg.MaterializeResult(asset_key=CLES)
    yield dg.MaterializeResult(
        asset_key=QUARANTAINE,
        metadata={"rejets": sum(tl.ecartees + tl.videes for tl in loads)},
    )
