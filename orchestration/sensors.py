"""A new or corrected BDC drop launches the run of its school year, once.

Drops are recognised by content (the same hash as the extraction's load_id), not by
modification time: touching a file does nothing, changing a byte does. A new folder's
school year is added to the dynamic partitions in the same evaluation."""

import json

import dagster as dg

from alses.extract import drop_load_id
from alses.settings import school_year_folders, settings
from orchestration.jobs import annee_complete
from orchestration.partitions import ANNEES, annee_scolaire


@dg.sensor(
    job=annee_complete,
    minimum_interval_seconds=300,
    description="Surveille ALSES_BDC_DIR : un dépôt nouveau ou corrigé relance son année.",
)
def nouveau_depot(context: dg.SensorEvaluationContext):
    bdc_dir = settings().bdc_dir
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    current = {annee: drop_load_id(bdc_dir / annee) for annee in school_year_folders(bdc_dir)}
    requests = [
        dg.RunRequest(
            run_key=f"{annee}:{empreinte}",
            partition_key=annee,
            tags={"alses/empreinte_depot": empreinte},
        )
        for annee, empreinte in sorted(current.items())
        if seen.get(annee) != empreinte
    ]
    if not requests:
        return dg.SkipReason(f"Aucun dépôt nouveau ou modifié dans {bdc_dir}.")
    context.update_cursor(json.dumps(current, sort_keys=True))
    try:
        connues = set(context.instance.get_dynamic_partitions(ANNEES))
    except dg.DagsterInvariantViolationError:  # evaluated outside an instance
        connues = set()
    nouvelles = sorted(set(current) - connues)
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[annee_scolaire.build_add_request(nouvelles)]
        if nouvelles
        else [],
    )
