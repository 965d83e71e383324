"""Drops for the October gate's tests, derived from the demo drops: a few structures
kept (small and cheap), dates moved to another school year, and the faults the gate
must stop (a structure missing, an export stopping in March, a column emptied, a
usagers file in Windows-1252 announced as UTF-8, last year's files copied)."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

#: The structures the small drops keep (two territories, four structures).
STRUCTURES = {"SDOU1", "SDOU2", "SCAM1", "SCAM2"}

_DATE_FR = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _lire(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    return rows[0], rows[1:]


def _ecrire(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _garder(path: Path, colonne: str, valeurs: set[str]) -> set[str]:
    """Keep the rows of `path` whose `colonne` is in `valeurs`; the kept first column."""
    header, rows = _lire(path)
    i = header.index(colonne)
    rows = [r for r in rows if r[i] in valeurs]
    _ecrire(path, header, rows)
    return {r[0] for r in rows}


def petit_depot(source: Path, dest: Path, structures: set[str] = STRUCTURES) -> Path:
    """The demo drop `source` with only the rows of `structures` (and what they refer
    to), written to `dest` (a folder named after its school year)."""
    shutil.copytree(source, dest)
    postes = _garder(dest / "postes.csv", "structure_id", structures)
    _garder(dest / "structures.csv", "structure_id", structures)
    _garder(dest / "affectations.csv", "poste_id", postes)
    usagers = _garder(dest / "usagers.csv", "structure_id", structures)
    _garder(dest / "situations.csv", "usager_id", usagers)
    _garder(dest / "interventions.csv", "usager_id", usagers)
    _garder(dest / "interventions.csv", "poste_id", postes)
    actions = _garder(dest / "actions_ponctuelles.csv", "structure_id", structures)
    actions |= _garder(dest / "actions_collectives.csv", "structure_id", structures)
    _garder(dest / "actions_participants.csv", "action_id", actions)
    _garder(dest / "actions_participants.csv", "usager_id", usagers)
    return dest


def _decaler_date(texte: str, ans: int) -> str:
    def fr(m: re.Match) -> str:
        jour = "28" if (m[1].lstrip("0"), m[2].lstrip("0")) == ("29", "2") else m[1]
        return f"{jour}/{m[2]}/{int(m[3]) + ans}"

    def iso(m: re.Match) -> str:
        jour = "28" if (m[2], m[3]) == ("02", "29") else m[3]
        return f"{int(m[1]) + ans}-{m[2]}-{jour}"

    return _DATE_ISO.sub(iso, _DATE_FR.sub(fr, texte))


def decaler(source: Path, dest_racine: Path, ans: int) -> Path:
    """The drop `source` moved `ans` school years later: every date of every file
    shifted by `ans` years, written under `dest_racine/<new year>`."""
    debut = int(source.name[:4]) + ans
    dest = dest_racine / f"{debut}-{debut + 1}"
    dest.mkdir(parents=True)
    for path in source.iterdir():
        (dest / path.name).write_text(
            _decaler_date(path.read_text(encoding="utf-8"), ans), encoding="utf-8"
        )
    return dest


def sans_structure(drop: Path, structure: str) -> None:
    """A structure that did not export: its usagers, interventions and actions gone
    (the reference files keep it)."""
    header, rows = _lire(drop / "usagers.csv")
    i = header.index("structure_id")
    usagers = {r[0] for r in rows if r[i] != structure}
    _ecrire(drop / "usagers.csv", header, [r for r in rows if r[i] != structure])
    for nom in ("situations", "interventions", "actions_participants"):
        _garder(drop / f"{nom}.csv", "usager_id", usagers)
    for nom in ("actions_ponctuelles", "actions_collectives"):
        header, rows = _lire(drop / f"{nom}.csv")
        i = header.index("structure_id")
        _ecrire(drop / f"{nom}.csv", header, [r for r in rows if r[i] != structure])


def arrete_en_mars(drop: Path) -> None:
    """An export taken in March: no intervention nor action after 31 March."""
    fin = f"{drop.name[5:]}-03-31"

    def iso(texte: str) -> str:
        if m := _DATE_FR.fullmatch(texte):
            return f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
        return texte

    for nom, colonne in (
        ("interventions", "date_intervention"),
        ("actions_ponctuelles", "date_action"),
        ("actions_collectives", "date_debut"),
    ):
        header, rows = _lire(drop / f"{nom}.csv")
        i = header.index(colonne)
        _ecrire(drop / f"{nom}.csv", header, [r for r in rows if iso(r[i]) <= fin])
    actions = {
        r[0]
        for nom in ("actions_ponctuelles", "actions_collectives")
        for r in _lire(drop / f"{nom}.csv")[1]
    }
    _garder(drop / "actions_participants.csv", "action_id", actions)


def colonne_videe(drop: Path, fichier: str, colonne: str) -> None:
    """A new software version that exports the column empty."""
    header, rows = _lire(drop / f"{fichier}.csv")
    i = header.index(colonne)
    for r in rows:
        r[i] = ""
    _ecrire(drop / f"{fichier}.csv", header, rows)


def windows_1252_annonce_utf8(drop: Path, part: float, fichier: str = "usagers") -> int:
    """The file behind a UTF-8 byte-order mark, `part` of its lines written in
    Windows-1252 (lines holding an accent: they cannot be decoded, the contract sets
    them aside); the number of such lines."""
    path = drop / f"{fichier}.csv"
    lignes = path.read_text(encoding="utf-8").splitlines(keepends=True)
    accentuees = [i for i, ligne in enumerate(lignes[1:], 1) if not ligne.isascii()]
    n = round(part * (len(lignes) - 1))
    assert len(accentuees) >= n, "not enough lines with an accent"
    cp1252 = set(accentuees[:n])
    contenu = b"".join(
        ligne.encode("cp1252" if i in cp1252 else "utf-8") for i, ligne in enumerate(lignes)
    )
    path.write_bytes(b"\xef\xbb\xbf" + contenu)
    return n


def corriger_quelques_lignes(drop: Path, n: int = 5) -> None:
    """A corrected re-export: the place of `n` interventions changed."""
    header, rows = _lire(drop / "interventions.csv")
    i = header.index("lieu")
    for r in rows[:n]:
        r[i] = "Domicile" if r[i] != "Domicile" else "Extérieur"
    _ecrire(drop / "interventions.csv", header, rows)
