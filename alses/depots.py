"""Before a run: which drops to load, and whether they may be loaded at all.

- ALSES_BDC_DIR set: that folder is the user's export. It is never written to; when it
  is missing, not a folder, or holds no `AAAA-AAAA` drop, the run stops with a message
  naming the folder and what it holds.
- ALSES_BDC_DIR unset: the default `data/bdc`; when it is absent or empty the synthetic
  demo drops are written there (and only there).
- Outside the demo drops, no pseudonymisation secret, no load (alses/pseudonym.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from alses.pseudonym import pseudo_secret
from alses.settings import Settings, school_year_folders

_LOOKS_LIKE_A_YEAR = re.compile(r"^\s*(\d{4})\s*[^0-9]{1,3}\s*(\d{2}|\d{4})\s*$")


class ConfigurationError(Exception):
    """The export folder cannot be used: nothing is loaded, nothing is written."""


def _listing(folder: Path) -> tuple[str, list[str]]:
    entries = sorted(folder.iterdir(), key=lambda p: p.name)
    shown = [p.name + ("/" if p.is_dir() else "") for p in entries[:12]]
    found = ", ".join(shown) + (f", … ({len(entries)} en tout)" if len(entries) > 12 else "")
    hints = []
    for p in entries:
        m = _LOOKS_LIKE_A_YEAR.match(p.name)
        if m and p.name != f"{m[1]}-{int(m[1]) + 1}":
            hints.append(
                f"« {p.name} » ressemble à une année : renommez-le « {m[1]}-{int(m[1]) + 1} »"
            )
    return (found or "rien (dossier vide)"), hints


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
    pseudo_secret(cfg.bdc_dir)
    return years
