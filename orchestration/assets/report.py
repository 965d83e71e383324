"""The annual report and the territory sheets of each school year, written from the
marts (HTML and PDF) — only for the years whose inputs changed (orchestration/rendus.py),
every document a task of one pool of processes shared by both assets."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from alses.settings import settings
from orchestration.assets.dbt import dbt_models
from orchestration.garde import GARDE
from orchestration.partitions import annee_scolaire
from orchestration.rendus import (
    ENTREES,
    SORTIES,
    a_rendre,
    avancer,
    documents,
    empreintes,
    en_parallele,
    noter,
    oublier,
    rendre,
)

#: The marts the documents read (ENTREES): dbt's models, and the suppression pattern
#: that Dagster writes (marts/secret_statistique).
MARTS = [
    dg.AssetKey(["marts", name])
    if name == "secret_statistique"
    else get_asset_key_for_model([dbt_models], name)
    for name in ENTREES
]


def _fichiers_rapport(out_dir):
    return lambda a: [
        out_dir / f"{nom}_{a}.{ext}"
        for nom in ("rapport_alses", "note_technique")
        for ext in ("html", "pdf")
    ]


def _fichiers_fiches(out_dir):
    from alses.territoires import TERRITOIRES

    return lambda a: [
        out_dir / f"{nom}_{a}.{ext}"
        for nom in [f"fiche_territoire_{t}" for t in TERRITOIRES] + ["tableaux_alses"]
        for ext in ("html", "pdf")
    ]


def _todo_autre(context, sortie: str, empreinte: dict[str, str]) -> list[str]:
    """The years the run's other report asset will render (none if the run does not
    select it), their fingerprints forgotten first (a failed render is redone)."""
    cfg = settings()
    autre, fichiers = AUTRE[sortie]
    selection = context.run.asset_selection  # empty or None: the whole job
    if selection and dg.AssetKey(["outputs", autre]) not in selection:
        return []
    todo = a_rendre(cfg.output_dir, autre, empreinte, fichiers(cfg.output_dir))
    for annee in todo:
        oublier(cfg.output_dir, autre, annee)
    return todo


def _rendre_si_change(context, sortie, fichiers) -> dict:
    cfg = settings()
    annees = list(context.partition_keys)
    empreinte = empreintes(cfg.warehouse, annees, context.run.run_id)
    todo = a_rendre(cfg.output_dir, sortie, empreinte, fichiers(cfg.output_dir))
    for annee in sorted(set(annees) - set(todo)):
        context.log.info(f"{sortie} {annee} : entrées inchangées, non rendu à nouveau")
    for annee in todo:
        oublier(cfg.output_dir, sortie, annee)
    # The run's first report asset submits every document of both to the pool, the
    # reports (the longest) first; the second asset then waits for its own.
    plan = {sortie: todo, AUTRE[sortie][0]: _todo_autre(context, sortie, empreinte)}
    if plan[AUTRE[sortie][0]] and en_parallele(
        sum(len(documents(s)) * len(a) for s, a in plan.items())
    ):
        for s in SORTIES:
            if plan[s]:
                avancer(s, cfg.warehouse, {a: empreinte[a] for a in plan[s]}, cfg.output_dir)
    faits = rendre(sortie, cfg.warehouse, {a: empreinte[a] for a in todo}, cfg.output_dir)
    for annee in todo:
        noter(cfg.output_dir, sortie, annee, empreinte[annee])
    return {
        "rendus": ", ".join(todo) or "aucun",
        "inchanges": ", ".join(sorted(set(annees) - set(todo))) or "aucun",
        "fichiers": sum(len(fichiers(cfg.output_dir)(a)) for a in faits),
    }


#: Each report asset's other one, and that one's files.
AUTRE = {
    "rapport_alses": ("fiches_territoire", _fichiers_fiches),
    "fiches_territoire": ("rapport_alses", _fichiers_rapport),
}


@dg.asset(
    key=["outputs", "rapport_alses"],
    deps=[*MARTS, GARDE],  # nothing is rendered for a year the October gate stops
    partitions_def=annee_scolaire,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="outputs",
    description=(
        "Rapport annuel ALSES de l'année scolaire : HTML autonome et PDF balisé. Rendu "
        "seulement si ses entrées (marts de l'année et de la précédente, code) ont changé."
    ),
)
def rapport_alses(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    metadata = _rendre_si_change(context, "rapport_alses", _fichiers_rapport)
    context.log.info(
        f"Rapports rendus : {metadata['rendus']} ; inchangés : {metadata['inchanges']}"
    )
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    key=["outputs", "fiches_territoire"],
    deps=[*MARTS, GARDE],  # nothing is rendered for a year the October gate stops
    partitions_def=annee_scolaire,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="outputs",
    description=(
        "Une fiche de deux pages par territoire (HTML et PDF) : ses chiffres à côté de ceux "
        "du département, ses premières demandes, ses partenaires, le renseignement de ses "
        "structures ; et les chiffres détaillés de chaque indicateur (tableaux_alses). "
        "Rendues seulement si leurs entrées ont changé."
    ),
)
def fiches_territoire(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    metadata = _rendre_si_change(context, "fiches_territoire", _fichiers_fiches)
    context.log.info(
        f"Fiches territoire et chiffres détaillés rendus : {metadata['rendus']} "
        f"({settings().output_dir})"
    )
    return dg.MaterializeResult(metadata=metadata)
