"""`make run`'s dbt server (orchestration/serveur_dbt.py): `alses-dbt` run by a process
that has already imported dbt, with the caller's arguments, environment, output and
exit code; and `alses-dbt` on its own when there is no server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from alses.settings import ROOT
from orchestration.analyse_dbt import DBT_EXECUTABLE

#: A process that starts the server and runs `alses-dbt` through it: each case's
#: arguments and environment; then a command whose client is killed, then one whose
#: server is stopped (`arreter`).
SCRIPT = textwrap.dedent(
    """
    import json, os, subprocess, sys, time
    from pathlib import Path
    from orchestration import serveur_dbt

    def enfants(pid):
        return [
            int(c)
            for t in Path(f"/proc/{pid}/task").iterdir()
            for c in (t / "children").read_text().split()
        ]

    def vivant(pid):
        try:
            return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
        except OSError:
            return False

    def attendre(condition):
        for _ in range(300):
            if condition():
                return True
            time.sleep(0.05)
        return False

    serveur_dbt.demarrer("duckdb")
    processus, dossier, _ = serveur_dbt._serveur
    serveur = processus.pid
    cas, dbt, cible = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
    sortie = {"dossier": str(dossier), "resultats": []}
    for args, env in cas:
        env = dict(os.environ, **env)
        p = subprocess.run([dbt, *args], env=env, capture_output=True, text=True)
        sortie["resultats"].append([p.returncode, p.stdout, p.stderr])
    commande = [dbt, "parse", "--project-dir", ".", "--profiles-dir", "dbt_project",
                "--target-path", cible]
    # A client killed: its dbt stops.
    client = subprocess.Popen(commande, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    attendre(lambda: enfants(serveur))
    (fils,) = enfants(serveur)
    client.kill()
    client.wait()
    sortie["client_tue"] = attendre(lambda: not vivant(fils))
    # The server stopped (end of the run): its dbt first; the client says so.
    client = subprocess.Popen(commande, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    attendre(lambda: enfants(serveur))
    (fils,) = enfants(serveur)
    serveur_dbt.arreter()
    sortie["serveur_arrete"] = not vivant(fils) and not vivant(serveur)
    sortie["code"] = client.wait(timeout=60)
    sortie["message"] = client.stderr.read().decode()
    print(json.dumps(sortie))
    """
)


def _faux_dbt(tmp_path: Path) -> dict[str, str]:
    """An environment in which a new Python process cannot import dbt."""
    paquet = tmp_path / "faux" / "dbt"
    paquet.mkdir(parents=True)
    (paquet / "__init__.py").write_text("raise ImportError('dbt importé par le client')\n")
    return {"PYTHONPATH": str(paquet.parent)}


def test_the_server_runs_dbt_as_the_caller_would_and_stops_it_with_either(tmp_path):
    sans_dbt = _faux_dbt(tmp_path)
    profils = tmp_path / "profils"
    profils.mkdir()
    cas = [
        (["--version"], sans_dbt),
        (["pas-une-commande"], sans_dbt),
        (["debug", "--config-dir"], {**sans_dbt, "DBT_PROFILES_DIR": str(profils)}),
    ]
    env = {k: v for k, v in os.environ.items() if k != "ALSES_DBT_SERVEUR"}
    p = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(cas), DBT_EXECUTABLE, str(tmp_path / "cible")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    sortie = json.loads(p.stdout.splitlines()[-1])
    version, inconnue, debug = sortie["resultats"]
    # The client could not have imported dbt: the server's process ran it.
    assert version[0] == 0, version
    assert "Core:" in version[1] + version[2]
    assert inconnue[0] == 2, inconnue  # click's usage error, on the caller's stderr
    assert "pas-une-commande" in inconnue[2]
    assert str(profils) in debug[1] + debug[2]  # the caller's environment
    assert sortie["client_tue"], "le dbt d'un client tué tourne encore"
    assert sortie["serveur_arrete"], "le serveur arrêté a laissé son dbt"
    assert sortie["code"] != 0
    assert "s'est arrêté pendant la commande" in sortie["message"]
    assert not Path(sortie["dossier"]).exists()


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
