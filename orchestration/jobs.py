import dagster as dg

from orchestration.assets.dbt import dbt_models
from orchestration.assets.extract import bdc_raw

#: Load one school year's drop into `raw` (partitioned by school year).
extraction = dg.define_asset_job("extraction", selection=dg.AssetSelection.assets(bdc_raw))

#: Rebuild the dbt models of every loaded year from `raw`.
transformation = dg.define_asset_job(
    "transformation", selection=dg.AssetSelection.assets(dbt_models)
)
