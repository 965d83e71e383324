"""What the project still uses that its libraries do not document as public
(docs/dependances_internes.md): each check fails on the upgrade that breaks it, or that
makes it unnecessary."""

import inspect

import dagster as dg


def test_one_run_covers_a_range_of_partitions_through_its_tags():
    """orchestration/run.py, partitions_du_run: execute_in_process takes one
    partition_key; the range tags a single-run backfill sets make one run cover several
    school years."""
    from orchestration.run import PLAGE_DEBUT, PLAGE_FIN

    annees = dg.DynamicPartitionsDefinition(name="annees_test")
    vues = []

    @dg.asset(partitions_def=annees, backfill_policy=dg.BackfillPolicy.single_run())
    def annuel(context: dg.AssetExecutionContext) -> None:
        vues.extend(context.partition_keys)

    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("annees_test", ["2020-2021", "2021-2022", "2022-2023"])
    job = dg.Definitions(assets=[annuel]).resolve_implicit_global_asset_job_def()
    resultat = job.execute_in_process(
        instance=instance, tags={PLAGE_DEBUT: "2020-2021", PLAGE_FIN: "2021-2022"}
    )
    assert resultat.success
    assert vues == ["2020-2021", "2021-2022"]


def test_xdist_loadgroup_still_needs_the_projects_scheduler():
    """tests/conftest.py, pytest_xdist_make_scheduler: pytest-xdist's loadgroup writes
    the group into `item._nodeid`, which pytest 9 no longer reads (Node.nodeid is
    `_id`); the project's scheduler reads the groups from a file and overrides
    LoadScopeScheduling._split_scope. When xdist writes what pytest reads, or the
    method is gone, this fails: use `--dist loadgroup` as shipped (xdist_group marks)."""
    import _pytest.nodes
    import xdist.remote
    from xdist.scheduler import LoadScopeScheduling

    assert "item._nodeid = " in inspect.getsource(xdist.remote)
    assert "self._id" in inspect.getsource(_pytest.nodes.Node.nodeid.fget)
    assert list(inspect.signature(LoadScopeScheduling._split_scope).parameters) == [
        "self",
        "nodeid",
    ]
