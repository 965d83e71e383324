"""What `make run` says of the October gate (orchestration/assets/controle.py), read from
a run's events: kept apart from the asset so that orchestration/run.py imports it
before the Dagster definitions (whose import writes to the log only)."""

import dagster as dg

#: The gate's asset and its blocking check.
GARDE = dg.AssetKey(["controle", "garde"])
CONTROLE = "aucune_anomalie_bloquante"


def message_du_run(result: dg.ExecuteInProcessResult, step_key: str) -> str | None:
    """The French message of a run the gate stopped (its check's description), for
    `make run`; None for another step."""
    if step_key != "controle__garde":
        return None
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if evaluation.check_name == CONTROLE and not evaluation.passed:
                return evaluation.description
    return None


def pages_du_run(result: dg.ExecuteInProcessResult) -> str:
    """The control pages a run wrote (its materialization's metadata), for `make run`."""
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            materialisation = event.event_specific_data.materialization
            if materialisation.asset_key == GARDE and "resume" in materialisation.metadata:
                return materialisation.metadata["resume"].value
    return ""
