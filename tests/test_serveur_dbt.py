"""`make run`'s dbt server (orchestration/serveur_dbt.py): `alses-dbt` run by a process
that has already imported dbt, with the caller's arguments, environment, output and
exit code; and `alses-dbt` on its own when there is no server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from alses.settings import ROOT
from orchestration.analyse_dbt import DBT_EXECUTABLE

#: A process that starts the server, runs `alses-dbt` with each case's arguments and
#: environment, prints what each returned, then exits without stopping the server.
SCRIPT = textwrap.dedent(
    """
    import json, os, subprocess, sys
    from orchestration import serveur_dbt

    serveur_dbt.demarrer("duckdb")
    cas = json.loads(sys.argv[1])
    processus, dossier, _ = serveur_dbt._serveur
    sortie = {"serveur": processus.pid, "dossier": str(dossier), "resultats": []}
    for args, env in cas:
        p = subprocess.run(
            [sys.argv[2], *args], env=dict(os.environ, **env), capture_output=True, text=True
        )
        sortie["resultats"].append([p.returncode, p.stdout, p.stderr])
    print(json.dumps(sortie))
    os._exit(0)  # no atexit: the server must stop by itself once this process is gone
    """
)


def _avec_serveur(cas: list[tuple[list[str], dict[str, str]]]) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "ALSES_DBT_SERVEUR"}
    p = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(cas), DBT_EXECUTABLE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(p.stdout.splitlines()[-1])


def _faux_dbt(tmp_path: Path) -> dict[str, str]:
    """An environment in which a new Python process cannot import dbt."""
    paquet = tmp_path / "faux" / "dbt"
    paquet.mkdir(parents=True)
    (paquet / "__init__.py").write_text("raise ImportError('dbt importé par le client')\n")
    return {"PYTHONPATH": str(paquet.parent)}


def test_the_server_runs_dbt_with_the_callers_arguments_environment_and_exit_code(tmp_path):
    sans_dbt = _faux_dbt(tmp_path)
    profils = tmp_path / "profils"
    profils.mkdir()
    sortie = _avec_serveur(
        [
            (["--version"], sans_dbt),
            (["pas-une-commande"], sans_dbt),
            (["debug", "--config-dir"], {**sans_dbt, "DBT_PROFILES_DIR": str(profils)}),
        ]
    )
    version, inconnue, debug = sortie["resultats"]
    # The client could not have imported dbt: the server's process ran it.
    assert version[0] == 0, version
    assert "Core:" in version[1] + version[2]
    assert inconnue[0] == 2, inconnue  # click's usage error, on the caller's stderr
    assert "pas-une-commande" in inconnue[2]
    assert str(profils) in debug[1] + debug[2]  # the caller's environment
    # Its process gone, the server stops by itself.
    for _ in range(100):
        if not Path(f"/proc/{sortie['serveur']}").exists():
            break
        time.sleep(0.1)
    else:
        raise AssertionError("le serveur dbt ne s'est pas arrêté après son processus parent")
    assert not Path(sortie["dossier"]).exists()  # its socket's folder went with it


def test_without_a_server_alses_dbt_runs_dbt_itself(tmp_path):
    # The fake dbt is imported: the command ran here (the check the first test relies on).
    env = dict(os.environ, ALSES_DBT_SERVEUR=str(tmp_path / "absent.sock"))
    p = subprocess.run(
        [DBT_EXECUTABLE, "--version"],
        env={**env, **_faux_dbt(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert p.returncode != 0
    assert "dbt importé par le client" in p.stderr
