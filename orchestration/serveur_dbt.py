"""A dbt that has already started: `make run`'s dbt build without dbt's start-up.

Every dbt command the job runs is a new `alses-dbt` process (dagster-dbt reads its
JSON log on stdout), and ≈ 3.5 s of it goes by before dbt does anything: importing
dbt and its adapter on one core (docs/performance.md, « Session 9 »). `make run`
starts a server (`demarrer`) as soon as it knows it has work to do: a process forked
from it that imports dbt and the adapter while the run imports Dagster and loads the
drops, then waits on a Unix socket in a private temporary folder. The socket's path is
in `ALSES_DBT_SERVEUR`, which every dbt the run starts inherits.

`alses-dbt` (orchestration/lanceur_dbt.py) first asks the server (`executer`): it
sends its arguments, working directory, environment and its standard input, output
and error (file descriptors over the socket); the server forks a child that takes
them over and runs dbt's command line exactly as `alses-dbt` would, with dbt already
imported; `alses-dbt` exits with the child's exit code and forwards SIGINT and SIGTERM
to it. A client that goes away (killed) gets its dbt stopped (SIGTERM). Without a
server (`dagster dev`, the tests that run the job in process, a server that has
stopped), `alses-dbt` runs dbt itself, as before.

The server is forked from `make run` before Dagster starts any thread, serves one
command at a time (dbt never runs twice at once on a warehouse), each in a child of
its own (a fork of a process with one thread, that has never run dbt), and stops with
the run (`arreter`), or by itself when `make run`'s process is gone.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import socket
import sys
import tempfile
from pathlib import Path

#: The environment variable holding the server's socket path.
VARIABLE = "ALSES_DBT_SERVEUR"
#: How many file descriptors a request carries: stdin, stdout, stderr.
FDS = 3
_TAILLE_MAX = 1 << 20

_serveur: tuple[int, Path] | None = None  # (pid, folder)


def demarrer(adaptateur: str) -> None:
    """Fork the server, which imports dbt and `dbt.adapters.<adaptateur>`; its socket's
    path goes into this process's environment (ALSES_DBT_SERVEUR). One per process."""
    global _serveur
    if _serveur is not None:
        return
    dossier = Path(tempfile.mkdtemp(prefix="alses-dbt-"))  # mode 0700: this user only
    chemin = dossier / "dbt.sock"
    ecoute = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ecoute.bind(str(chemin))
    ecoute.listen(4)
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the server
        code = 0
        try:
            _servir(ecoute, adaptateur, parent)
        except BaseException:  # noqa: BLE001 — a server that fails leaves dbt to the clients
            code = 1
        finally:
            os._exit(code)
    ecoute.close()
    _serveur = (pid, dossier)
    os.environ[VARIABLE] = str(chemin)
    atexit.register(arreter)


def arreter() -> None:
    """Stop the server (end of the run) and remove its folder."""
    global _serveur
    if _serveur is None:
        return
    pid, dossier = _serveur
    _serveur = None
    os.environ.pop(VARIABLE, None)
    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
    for f in dossier.iterdir():
        f.unlink()
    dossier.rmdir()


def _servir(ecoute: socket.socket, adaptateur: str, parent: int) -> None:
    # Nothing of the run's process stays attached: its log handlers and exit functions
    # are not the server's.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the run, which stops us
    atexit._clear()
    import importlib
    import logging

    logging.root.handlers.clear()
    from orchestration import lanceur_dbt

    lanceur_dbt.install()
    for module in _modules(adaptateur):  # the ≈ 3 s this server is for
        importlib.import_module(module)
    while os.getppid() == parent:
        if not select.select([ecoute], [], [], 1.0)[0]:
            continue
        conn, _ = ecoute.accept()
        with conn:
            _une_commande(conn, ecoute)


def _modules(adaptateur: str) -> list[str]:
    """What a dbt build imports before and while it runs: dbt's command line, its build
    task, the adapter, and on DuckDB the Python model's statistics (dbt-duckdb runs
    marts.comparaisons_territoriales in dbt's own process; on PostgreSQL Dagster
    computes it)."""
    modules = ["dbt.cli.main", "dbt.task.build", f"dbt.adapters.{adaptateur}"]
    if adaptateur == "duckdb":
        modules.append("alses.comparaisons")
    return modules


def _recevoir(conn: socket.socket) -> tuple[dict, list[int]]:
    donnees, fds, _, _ = socket.recv_fds(conn, _TAILLE_MAX, FDS)
    while not donnees.endswith(b"\n"):
        suite = conn.recv(_TAILLE_MAX)
        if not suite:
            break
        donnees += suite
    return json.loads(donnees), fds


def _une_commande(conn: socket.socket, ecoute: socket.socket) -> None:
    try:
        demande, fds = _recevoir(conn)
    except (OSError, ValueError):
        return
    if len(fds) != FDS:
        for fd in fds:
            os.close(fd)
        return
    pid = os.fork()
    if pid == 0:
        ecoute.close()
        conn.close()
        _executer_dbt(demande, fds)  # never returns
    for fd in fds:
        os.close(fd)
    conn.sendall(f"{pid}\n".encode())
    while True:
        fini, statut = os.waitpid(pid, os.WNOHANG)
        if fini:
            break
        prets = select.select([conn], [], [], 0.1)[0]
        if prets and not conn.recv(1):  # the client is gone: its dbt stops too
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
            return
    code = os.waitstatus_to_exitcode(statut)
    try:
        conn.sendall(f"{code}\n".encode())
    except OSError:
        pass


def _executer_dbt(demande: dict, fds: list[int]) -> None:
    """In the command's own process: take over the client's stdin, stdout, stderr,
    directory and environment, run dbt's command line, exit with its code."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for cible, fd in enumerate(fds):
            os.dup2(fd, cible)
            os.close(fd)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", closefd=False, buffering=1)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False, buffering=1)  # noqa: SIM115
        os.chdir(demande["cwd"])
        os.environ.clear()
        os.environ.update(demande["env"])
        sys.argv = demande["argv"]
        from dbt.cli.main import cli

        try:
            cli(args=demande["argv"][1:], prog_name="dbt")
            code = 0
        except SystemExit as fin:
            code = fin.code if isinstance(fin.code, int) else (0 if fin.code is None else 1)
        atexit._run_exitfuncs()
    except BaseException:  # noqa: BLE001
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def executer(argv: list[str]) -> int | None:
    """Run this dbt command by the run's server; its exit code, or None without a
    server (then the caller runs dbt itself)."""
    chemin = os.environ.get(VARIABLE)
    if not chemin:
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(chemin)
        demande = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}
        socket.send_fds(conn, [json.dumps(demande).encode() + b"\n"], [0, 1, 2])
        fichier = conn.makefile("rb")
        ligne = fichier.readline()
        if not ligne:
            return None
        pid = int(ligne)
    except (OSError, ValueError):
        conn.close()
        return None

    def transmettre(signum, _frame) -> None:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGINT, transmettre)
    signal.signal(signal.SIGTERM, transmettre)
    ligne = fichier.readline()
    conn.close()
    return int(ligne) if ligne.strip() else 1
