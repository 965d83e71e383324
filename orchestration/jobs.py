import dagster as dg

from orchestration.assets.dbt import dbt_models
from orchestration.assets.extract import bdc_raw
from orchestration.assets.report import rapport_alses

#: Load one school year's drop into `raw` (partitioned by school year).
extraction = dg.define_asset_job("extraction", selection=dg.AssetSelection.assets(bdc_raw))

#: Rebuild the dbt models of every loaded year from `raw`.
transformation = dg.define_asset_job(
    "transformation", selection=dg.AssetSelection.assets(dbt_models)
)

#: Write the annual report of one school year (partitioned by school year).
rapport = dg.define_asset_job("rapport", selection=dg.AssetSelection.assets(rapport_alses))
