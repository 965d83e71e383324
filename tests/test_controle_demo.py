"""The October gate on the whole demo (the session's build): no false alarm, and every
public output waits for the gate."""

import duckdb


def test_the_demo_years_pass_the_october_audit(demo_warehouse):
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        statuts = dict(
            con.execute(
                "select annee_scolaire || ' ' || statut, count(*) "
                "from controle.controle_annee group by 1"
            ).fetchall()
        )
    assert not any(cle.endswith(("bloquant", "alerte")) for cle in statuts), statuts
    # 2021-2022 is compared with 2020-2021 (files, territories, structures, posts,
    # fields…); 2020-2021, the first year, with nothing.
    assert statuts["2021-2022 conforme"] > 500
    assert statuts["2020-2021 sans comparaison"] == 9


def test_every_public_output_waits_for_the_gate():
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.garde import GARDE

    graphe = defs.resolve_asset_graph()
    publiques = [
        dg.AssetKey(["outputs", "rapport_alses"]),
        dg.AssetKey(["outputs", "fiches_territoire"]),
        dg.AssetKey(["opendata", "indicateurs_alses"]),
        dg.AssetKey(["publication", "marts_analystes"]),
    ]
    for cle in publiques:
        assert GARDE in graphe.get(cle).parent_keys, cle
    spec = next(iter(graphe.get(GARDE).check_keys))
    assert spec.name == "aucune_anomalie_bloquante"
    assert graphe.get_check_spec(spec).blocking
