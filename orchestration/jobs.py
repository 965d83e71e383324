import dagster as dg

#: One school year, end to end: load the drop into raw, build and test the models,
#: write the report, then publish the marts for the analysts. A failed blocking check
#: or dbt test stops the run before publication.
annee_complete = dg.define_asset_job("annee_complete", selection=dg.AssetSelection.all())
