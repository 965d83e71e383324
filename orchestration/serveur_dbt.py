"""A dbt that has already started: `make run`'s dbt build without dbt's start-up.

Every dbt command the job runs is a new `alses-dbt` process (dagster-dbt reads its
JSON log on stdout), and ≈ 3 s of it goes by before dbt does anything: importing dbt
and its adapter on one core (docs/performance.md, « Session 9 »). `make run` starts a
server (`demarrer`) as soon as it knows it has work to do: a new Python process
(`python -m orchestration.serveur_dbt`, in a session of its own: a Ctrl-C reaches
the run, which stops it) that imports dbt and the adapter while the run imports
Dagster and loads the drops, then waits on a Unix socket that `make run` created in a
private temporary folder (mode 0700). The socket's path is in `ALSES_DBT_SERVEUR`,
which every dbt the run starts inherits.

`alses-dbt` (orchestration/lanceur_dbt.py) first asks the server (`executer`): it
sends its arguments, working directory, environment and its standard input, output
and error (file descriptors over the socket); the server forks a child that takes
them over, closes every other descriptor and runs dbt's command line with dbt already
imported; `alses-dbt` exits with the child's exit code (or dies of its signal) and
forwards SIGINT and SIGTERM to it. A client that goes away gets its dbt stopped; a
server that is stopped stops its dbt first. Without a server (`dagster dev`, a job
run by Dagster itself, a server that has stopped or does not answer within
`ATTENTE_S`), `alses-dbt` runs dbt itself, as before; so does `make run` when the
server cannot start.

The server serves one command at a time (dbt never runs twice at once on a
warehouse), each in a child of its own (a fork of a process that has never run dbt),
and stops with the run (`arreter`), or by itself when the run's process is gone.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

#: The environment variable holding the server's socket path.
VARIABLE = "ALSES_DBT_SERVEUR"
#: How many file descriptors a request carries: stdin, stdout, stderr.
FDS = 3
#: Seconds a client waits for the server to start its command (its imports take ≈ 3 s)
#: before running dbt itself.
ATTENTE_S = 60
_TAILLE_MAX = 1 << 20

#: (server process, its folder, the process that started it).
_serveur: tuple[subprocess.Popen, Path, int] | None = None


def demarrer(adaptateur: str) -> None:
    """Start the server, which imports dbt and `dbt.adapters.<adaptateur>`; its socket's
    path goes into this process's environment (ALSES_DBT_SERVEUR). One per process. A
    server that cannot start (socket path too long, no process left…) is no error: the
    run's dbt then starts by itself."""
    global _serveur
    if _serveur is not None:
        return
    dossier = None
    try:
        dossier = Path(tempfile.mkdtemp(prefix="alses-dbt-"))  # mode 0700: this user only
        chemin = dossier / "dbt.sock"
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as ecoute:
            ecoute.bind(str(chemin))
            ecoute.listen(4)
            processus = subprocess.Popen(
                [sys.executable, "-m", "orchestration.serveur_dbt", str(ecoute.fileno())]
                + [adaptateur, str(os.getpid())],
                pass_fds=[ecoute.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                start_new_session=True,
                cwd=Path(__file__).resolve().parent.parent,
            )
    except OSError:
        if dossier is not None:
            shutil.rmtree(dossier, ignore_errors=True)
        return
    _serveur = (processus, dossier, os.getpid())
    os.environ[VARIABLE] = str(chemin)
    atexit.register(arreter)


def arreter() -> None:
    """Stop the server (end of the run; it stops its dbt first) and remove its folder."""
    global _serveur
    if _serveur is None or _serveur[2] != os.getpid():
        return
    processus, dossier, _ = _serveur
    _serveur = None
    os.environ.pop(VARIABLE, None)
    processus.terminate()
    try:
        processus.wait(timeout=30)
    except subprocess.TimeoutExpired:
        processus.kill()
        processus.wait()
    shutil.rmtree(dossier, ignore_errors=True)


# The server's side (its own process) ------------------------------------------------

_enfant: int | None = None  # the dbt command running


def _arreter_serveur(_signum, _frame) -> None:
    if _enfant is not None:
        try:
            os.kill(_enfant, signal.SIGTERM)
            os.waitpid(_enfant, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    os._exit(0)


def _servir(fd: int, adaptateur: str, parent: int) -> None:
    signal.signal(signal.SIGTERM, _arreter_serveur)
    ecoute = socket.socket(fileno=fd)
    import importlib

    from orchestration import lanceur_dbt

    lanceur_dbt.install()
    for module in _modules(adaptateur):  # the ≈ 3 s this server is for
        importlib.import_module(module)
    while os.getppid() == parent:
        if not select.select([ecoute], [], [], 1.0)[0]:
            continue
        conn, _ = ecoute.accept()
        with conn:
            try:
                _une_commande(conn, ecoute)
            except Exception:  # noqa: BLE001 — one failed command, not the server
                pass
    # The run is gone without stopping us (killed): its folder goes with us.
    shutil.rmtree(Path(ecoute.getsockname()).parent, ignore_errors=True)


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
    global _enfant
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
    _enfant = pid
    for fd in fds:
        os.close(fd)
    try:
        try:
            conn.sendall(f"{pid}\n".encode())
            while True:
                fini, statut = os.waitpid(pid, os.WNOHANG)
                if fini:
                    break
                if select.select([conn], [], [], 0.1)[0] and not conn.recv(1):
                    raise ConnectionError  # the client is gone: its dbt stops too
        except OSError:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
            return
    finally:
        _enfant = None
    try:
        conn.sendall(f"{os.waitstatus_to_exitcode(statut)}\n".encode())
    except OSError:
        pass


def _executer_dbt(demande: dict, fds: list[int]) -> None:
    """In the command's own process: take over the client's stdin, stdout, stderr,
    directory and environment, run dbt's command line, exit with its code."""
    code = 1
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for cible, fd in enumerate(fds):
            os.dup2(fd, cible)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the socket, the received copies
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
            if fin.code is None or isinstance(fin.code, int):
                code = fin.code or 0
            else:  # sys.exit("message")
                print(fin.code, file=sys.stderr)
                code = 1
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


# The client's side (alses-dbt) ------------------------------------------------------


def executer(argv: list[str]) -> int | None:
    """Run this dbt command by the run's server; its exit code, or None without a
    server (then the caller runs dbt itself). SIGINT and SIGTERM go to the command;
    one received before it started ends this process without running dbt."""
    chemin = os.environ.get(VARIABLE)
    if not chemin:
        return None
    etat: dict = {"pid": None, "signal": None}

    def transmettre(signum, _frame) -> None:
        if etat["pid"] is None:
            etat["signal"] = signum
            raise InterruptedError
        try:
            os.kill(etat["pid"], signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, transmettre)
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.settimeout(ATTENTE_S)
        conn.connect(chemin)
        demande = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}
        socket.send_fds(conn, [json.dumps(demande).encode() + b"\n"], [0, 1, 2])
        fichier = conn.makefile("rb")
        etat["pid"] = int(fichier.readline())  # ValueError: the server went away
        conn.settimeout(None)
    except (OSError, ValueError):
        conn.close()
        if etat["signal"] is not None:
            _mourir(etat["signal"])
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        return None
    if etat["signal"] is not None:
        transmettre(etat["signal"], None)
    ligne = fichier.readline()
    conn.close()
    if not ligne.strip():
        print(
            "alses-dbt : le serveur dbt de make run s'est arrêté pendant la commande.",
            file=sys.stderr,
        )
        return 1
    code = int(ligne)
    if code < 0:  # the command died of a signal: so does this process
        _mourir(-code)
    return code


def _mourir(signum: int) -> None:
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    sys.exit(128 + signum)


if __name__ == "__main__":
    try:
        _servir(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
    finally:
        os._exit(0)
