"""Before a run: which drops to load, and whether they may be loaded at all.

- ALSES_BDC_DIR set: that folder is the user's export. It is never written to; when it
  is missing, not a folder, or holds no `AAAA-AAAA` drop, the run stops with a message
  naming the folder and what it holds.
- ALSES_BDC_DIR unset: the default `data/bdc`; when it is absent or empty the synthetic
  demo drops are written there (and only there).
- Demo and real data never mix (alses/settings.py, the demo rule): a folder holding
  demo years and real years is refused as a whole, and so is a year whose nature differs
  from the years already in the warehouse; both before anything is loaded.
- A real year needs a pseudonymisation secret: without it, no load (alses/pseudonym.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from alses.pseudonym import DEMO_SECRET, jeune_key, pseudo_secret
from alses.settings import Settings, is_demo_year, school_year_folders

#: A name that starts like a school year (`2021-2022 (copie)`, `2022_2023`, `2022-2024`).
_LOOKS_LIKE_A_YEAR = re.compile(r"^\s*((?:19|20)\d{2})(?!\d)")


class ConfigurationError(Exception):
    """The export folder cannot be used: nothing is loaded, nothing is written."""


def _why_not_a_year(name: str, start: int) -> str:
    """Why a folder named like a year is not read as one."""
    if name != name.strip():
        return "espace au début ou à la fin du nom"
    m = re.fullmatch(r"(\d{4})(\D{1,3})(\d{2,4})", name)
    if m and m[2] != "-":
        return f"séparateur « {m[2].strip() or 'espace'} » au lieu de « - »"
    if m and len(m[3]) == 2:
        return "seconde année sur deux chiffres"
    if m and int(m[3]) != start + 1:
        return "les deux années ne se suivent pas"
    return "texte en plus de l'année"


def ignored_year_like(bdc_dir: Path, years: list[str]) -> list[str]:
    """Each entry of `bdc_dir` that looks like a school year but is not read as a drop,
    with the reason and what to do (the name to give it)."""
    out = []
    for p in sorted(bdc_dir.iterdir(), key=lambda p: p.name):
        m = _LOOKS_LIKE_A_YEAR.match(p.name)
        if p.name in years or not m:
            continue
        start = int(m[1])
        name = f"{start}-{start + 1}"
        if p.is_symlink() and not p.exists():
            why = "lien cassé, sa cible n'existe pas"
            todo = f"remplacez-le par le dossier de l'année, nommé « {name} »"
        elif not p.is_dir():
            why = "ce n'est pas un dossier"
            todo = f"un dépôt est un dossier « {name} » qui contient les fichiers de l'année"
        else:
            why = _why_not_a_year(p.name, start)
            todo = f"renommez-le « {name} »"
            if name in years:
                todo += f" ; le dossier « {name} » est déjà chargé : gardez-en un seul"
        out.append(f"« {p.name} » ressemble à une année mais n'est pas lu ({why}) : {todo}")
    return out


def _listing(folder: Path) -> tuple[str, list[str]]:
    entries = sorted(folder.iterdir(), key=lambda p: p.name)
    shown = [p.name + ("/" if p.is_dir() else "") for p in entries[:12]]
    found = ", ".join(shown) + (f", … ({len(entries)} en tout)" if len(entries) > 12 else "")
    return (found or "rien (dossier vide)"), ignored_year_like(folder, [])


def unusable_folder(bdc_dir: Path, variable: str = "ALSES_BDC_DIR") -> ConfigurationError:
    if not bdc_dir.exists():
        return ConfigurationError(
            f"{variable} = {bdc_dir} : ce dossier n'existe pas. Indiquez le dossier de l'export "
            "BDC (un sous-dossier par année scolaire, nommé comme 2021-2022)."
        )
    if not bdc_dir.is_dir():
        return ConfigurationError(
            f"{variable} = {bdc_dir} : ce n'est pas un dossier. Indiquez le dossier de l'export "
            "BDC (un sous-dossier par année scolaire, nommé comme 2021-2022)."
        )
    found, hints = _listing(bdc_dir)
    return ConfigurationError(
        f"{variable} = {bdc_dir} : aucun dépôt dans ce dossier (un dépôt est un sous-dossier "
        f"nommé d'après son année scolaire, comme 2021-2022). Trouvé : {found}."
        + "".join(f"\n  {h}." for h in hints)
        + "\nRien n'a été chargé ni écrit dans ce dossier."
    )


def drops_to_load(cfg: Settings, write_demo=None, announce=print) -> list[str]:
    """The school years to load, after writing the demo drops where that is allowed.

    Raises ConfigurationError (export folder unusable) or pseudonym.SecretError.
    """
    configured = bool(os.environ.get("ALSES_BDC_DIR"))
    years = school_year_folders(cfg.bdc_dir)
    if not years:
        fresh = not cfg.bdc_dir.exists() or (
            cfg.bdc_dir.is_dir() and not any(p.name != "README.md" for p in cfg.bdc_dir.iterdir())
        )
        if configured or not fresh:
            raise unusable_folder(cfg.bdc_dir)
        if write_demo is None:
            from alses.demo.generator import write_demo
        announce(f"Aucun dépôt dans {cfg.bdc_dir} : écriture des données de démonstration.")
        write_demo(cfg.bdc_dir)
        years = school_year_folders(cfg.bdc_dir)
    for ignored in ignored_year_like(cfg.bdc_dir, years):
        announce(f"Ignoré : {ignored}.")
    check_drops(cfg.bdc_dir, years)
    if cfg.target == "duckdb" and cfg.warehouse.is_file():
        import duckdb

        with duckdb.connect(str(cfg.warehouse), read_only=True) as con:
            refuse_mixing(con, str(cfg.warehouse), natures(cfg.bdc_dir, years))
    elif cfg.target == "postgres":
        from alses import engine

        with engine.connect() as con:
            refuse_without_roles(con, engine.describe())
            refuse_mixing(con, engine.describe(), natures(cfg.bdc_dir, years))
    return years


def natures(bdc_dir: Path, years: list[str]) -> dict[str, bool]:
    """Each year under `bdc_dir`: True for a demo year (the demo rule), False otherwise."""
    return {y: is_demo_year(bdc_dir / y) for y in years}


def _names(years) -> str:
    return ", ".join(sorted(str(y) for y in years))


def check_drops(bdc_dir: Path, years: list[str]) -> str:
    """The secret for the drops under `bdc_dir`, after checking that they do not mix demo
    and real years. Raises ConfigurationError or pseudonym.SecretError."""
    nature = natures(bdc_dir, years)
    demo = [y for y, d in nature.items() if d]
    real = [y for y, d in nature.items() if not d]
    if demo and real:
        raise ConfigurationError(
            f"{bdc_dir} mélange des données de démonstration ({_names(demo)}) et un vrai "
            f"export ({_names(real)}) : les unes et les autres ne sont jamais chargées "
            "ensemble. Rien n'a été chargé ni publié.\nPour charger le vrai export, au "
            "choix :\n  - placez ses années dans un dossier à part et désignez-le : "
            "export ALSES_BDC_DIR=/chemin/vers/l/export, puis make run ;\n  - ou "
            f"supprimez les années de démonstration ({_names(bdc_dir / y for y in demo)}) "
            "et l'entrepôt qu'elles ont construit (make clean), puis make run.\nUn vrai "
            "export demande aussi ALSES_PSEUDO_SECRET (voir README, « Pour les "
            "coordinateurs et l'exploitation »)."
        )
    return pseudo_secret(bdc_dir)


def warehouse_natures(con) -> dict[str, bool]:
    """The years of the warehouse (`con`, DuckDB or PostgreSQL) and whether each is a demo
    year (raw.depots). A year loaded before raw.depots existed is a demo year when the
    warehouse's keys were computed with the demo secret (that of every demo run without
    ALSES_PSEUDO_SECRET), otherwise it is not judged."""
    from alses.engine import exists

    if not exists(con, "raw", "chargements"):
        return {}
    found: dict[str, bool] = {}
    if exists(con, "raw", "depots"):
        found = {
            a: bool(d)
            for a, d in con.execute(
                "select annee_scolaire, demonstration from raw.depots"
            ).fetchall()
        }
    older = [
        r[0]
        for r in con.execute("select distinct annee_scolaire from raw.chargements").fetchall()
        if r[0] not in found
    ]
    if older and exists(con, "raw", "cles_jeunes"):
        row = con.execute("select usager_id_bdc, jeune_key from raw.cles_jeunes limit 1").fetchone()
        if row and jeune_key(DEMO_SECRET, row[0]) == row[1]:
            found |= {a: True for a in older}
    return found


def refuse_mixing(con, where: str, annees: dict[str, bool]) -> None:
    """Raise ConfigurationError when the warehouse (`con`, described by `where`) holds
    years of the other nature than `annees` (year → demo year), the same years included:
    a demo warehouse never receives a real year, nor the reverse."""
    held = warehouse_natures(con)
    for demo in (True, False):
        new = [a for a, d in annees.items() if d == demo]
        other = [a for a, d in held.items() if d != demo]
        if new and other:
            kinds = ("de démonstration", "réelles") if demo else ("réelles", "de démonstration")
            raise ConfigurationError(
                f"L'entrepôt {where} contient des années {kinds[1]} ({_names(other)}) ; "
                f"les années à charger sont {kinds[0]} ({_names(new)}). Les données de "
                "démonstration et les vraies ne vont jamais dans le même entrepôt : rien "
                "n'a été chargé ni publié.\nIndiquez un autre entrepôt (ALSES_WAREHOUSE, "
                "et ALSES_PUBLISHED, ALSES_OUTPUT_DIR, ALSES_OPENDATA_DIR pour ses sorties) "
                "ou supprimez celui-ci et ses sorties (make clean), puis relancez."
            )


def refuse_without_roles(con, where: str) -> None:
    """On PostgreSQL, before anything is loaded: the group roles the build grants rights
    to (`make roles`, alses/roles.py) must exist, or dbt fails half-way with
    « role … does not exist »."""
    from alses.roles import ANALYSTE, CHARGEMENT

    wanted = (ANALYSTE, CHARGEMENT)
    present = {
        r[0]
        for r in con.execute(
            "select rolname from pg_roles where rolname in (?, ?)", list(wanted)
        ).fetchall()
    }
    missing = [r for r in wanted if r not in present]
    verbe = "n'existe" if len(missing) == 1 else "n'existent"
    if missing:
        raise ConfigurationError(
            f"{where} : {' et '.join(f'le rôle {r}' for r in missing)} "
            f"{verbe} pas encore sur ce serveur ; "
            "les modèles leur donnent des droits et échoueraient. Rien n'a été chargé. "
            "Lancez d'abord, une fois, avec le compte propriétaire : make roles ; puis "
            "relancez make run (voir docs/postgresql.md)."
        )
