"""Write synthetic BDC drops (2020-2021 and 2021-2022) calibrated on the published report.

Deterministic: the same seed writes the same files. Every attribute that a published
figure depends on is handed out by exact quotas (`quotas.py`, `targets.py`); only
what no figure depends on (names, dates inside a period, which partner of a type) is
drawn from the seeded generator. See docs/donnees_demo.md.

    python -m alses.demo.generator data/bdc
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import itertools
import random
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from faker import Faker

from alses.contract import TABLES_BY_NAME
from alses.demo import targets as T
from alses.demo.quotas import allocate, largest_remainder
from alses.settings import DEMO_MARKER, DEMO_YEAR_FILE
from alses.territoires import LIBELLES, TERRITOIRES

SEED = 2022
PERSONAL_ORDER = ("nom", "prenom", "adresse", "reseaux_sociaux")
YEARS = ("2020-2021", "2021-2022")
TERR = TERRITOIRES  # seeds/territoires.csv, in the report's order
LIBELLES_TERRITOIRE = {t: LIBELLES[t] for t in TERR}  # the seed's labels are the contract's
COMMUNES = {
    "CAM": ["Cambrai", "Caudry", "Le Cateau-Cambrésis"],
    "DOU": ["Douai", "Sin-le-Noble"],
    "VAL": ["Valenciennes", "Denain", "Anzin", "Condé-sur-l'Escaut"],
    "SAM": ["Maubeuge", "Avesnes-sur-Helpe", "Fourmies"],
    "VNE": ["Roubaix", "Tourcoing", "Wattrelos"],
    "LIL": ["Lille", "Villeneuve-d'Ascq"],
    "FLA": ["Dunkerque", "Hazebrouck", "Grande-Synthe"],
}
README = (
    DEMO_MARKER
    + """

Ces dossiers sont écrits par `python -m alses.demo.generator` (graine {seed}).
**Aucune ligne ne décrit une personne réelle** : noms, adresses, dates et
identifiants sont inventés. Les effectifs sont calibrés pour que les indicateurs du
catalogue reproduisent les chiffres publiés du rapport ALSES 2021-2022
(`seeds/published_figures.csv`) ; voir `docs/donnees_demo.md`.

Ne pas modifier à la main : le générateur réécrit ces fichiers.
"""
)
#: The file that makes a year folder a demo year (alses/settings.py, DEMO_YEAR_FILE).
README_ANNEE = (
    DEMO_MARKER
    + """

L'année {annee} de ce dossier est une année de démonstration, écrite par
`python -m alses.demo.generator` (graine {seed}) : aucune ligne ne décrit une personne
réelle. Ce fichier la désigne comme telle ; un vrai export n'en contient jamais. Une
année de démonstration et une vraie année ne sont jamais chargées ensemble
(docs/contrat_bdc.md, « Démonstration »).
"""
)


def _nomenclature_labels() -> dict[tuple[str, str], str]:
    path = Path(__file__).resolve().parents[2] / "seeds" / "nomenclatures.csv"
    with path.open(encoding="utf-8") as fh:
        return {(r["field"], r["code"]): r["label"] for r in csv.DictReader(fh)}


@dataclass
class Jeune:
    usager_id: str
    terr: str
    alses: bool
    poste: str = ""
    structure: str = ""
    a: dict = field(default_factory=dict)  # calibrated attributes (codes)


@dataclass
class Intervention:
    jeune: Jeune
    poste: str
    terr: str
    alses: bool
    a: dict = field(default_factory=dict)


_MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)
_MONTH_CUM_WEIGHTS = tuple(itertools.accumulate((10, 11, 10, 8, 11, 10, 11, 9, 10, 8, 2, 1)))


@functools.cache
def _month(year: int, month: int) -> tuple[dt.date, int]:
    """The first day of a month and its number of days after the first."""
    first = dt.date(year, month, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(1)
    return first, (last - first).days


class Generator:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.labels = _nomenclature_labels()
        self.seq: dict[str, int] = defaultdict(int)
        self._reference_tables()

    # --- helpers ------------------------------------------------------------------
    def next_id(self, prefix: str, width: int = 6) -> str:
        self.seq[prefix] += 1
        return f"{prefix}{self.seq[prefix]:0{width}d}"

    def label(self, field_: str, code: str | None) -> str:
        if code is None:
            return ""
        text = self.labels[(field_, code)]
        r = self.rng.random()
        if r < 0.02:
            return text.upper()
        if r < 0.04:
            return "".join(
                c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
            ).lower()
        if r < 0.05:
            return "  " + text.replace(" ", "  ", 1) + " "
        return text

    def labels_multi(self, field_: str, codes) -> str:
        return " | ".join(self.label(field_, c) for c in codes) if codes else ""

    def date(self, d: dt.date | None) -> str:
        if d is None:
            return ""
        r = self.rng.random()
        if r < 0.15:
            return d.isoformat()
        if r < 0.35:
            return f"{d.day}/{d.month}/{d.year}"
        return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"  # strftime("%d/%m/%Y"), faster

    def day_between(self, a: dt.date, b: dt.date) -> dt.date:
        return a + dt.timedelta(days=self.rng.randint(0, (b - a).days))

    def school_day(self, y0: int) -> dt.date:
        """A day of the school year y0-(y0+1), weighted away from July and August."""
        # Cumulative weights given directly: the same draw as choices(months, weights).
        month = self.rng.choices(_MONTHS, cum_weights=_MONTH_CUM_WEIGHTS)[0]
        year = y0 if month >= 9 else y0 + 1
        first, days = _month(year, month)
        return first + dt.timedelta(days=self.rng.randint(0, days))

    def hand_out(self, rows: list, key: str, counts: dict[str, int], nr: int = 0) -> None:
        """Give `nr` rows no value, then each modality to its count of rows (shuffled)."""
        rows = list(rows)
        self.rng.shuffle(rows)
        if nr + sum(counts.values()) != len(rows):
            raise ValueError(f"{key}: {nr} + {sum(counts.values())} counts for {len(rows)} rows")
        values = [None] * nr + [k for k, n in counts.items() for _ in range(n)]
        for row, value in zip(rows, values, strict=True):
            row.a[key] = value

    def calibrate(
        self,
        alses: dict[str, list],
        autres: list,
        key: str,
        spec: dict,
        nr_rate: float = 0.0,
        autres_shares: dict | None = None,
    ) -> None:
        """Quota one attribute over ALSES rows (by territory) and the other rows."""
        nr = {t: round(nr_rate * len(alses[t])) for t in TERR}
        denominators = {t: len(alses[t]) - nr[t] for t in TERR}
        overrides = {t: v for t, v in spec.items() if t in TERR}
        counts = allocate(
            denominators,
            spec["NORD"],
            overrides,
            spec.get("balance", "LIL"),
            spec.get("NORD_COUNTS"),
        )
        for t in TERR:
            self.hand_out(alses[t], key, counts[t], nr[t])
        nr_autres = round(nr_rate * len(autres))
        d_autres = len(autres) - nr_autres
        if "PS" in spec:
            nord = {k: sum(counts[t][k] for t in TERR) for k in counts[TERR[0]]}
            ps = largest_remainder(spec["PS"], sum(denominators.values()) + d_autres)
            autres_counts = {k: ps[k] - nord[k] for k in ps}
            if min(autres_counts.values()) < 0:
                raise ValueError(f"{key}: PS target below the ALSES counts: {autres_counts}")
        else:
            autres_counts = largest_remainder(autres_shares or spec["NORD"], d_autres)
        self.hand_out(autres, key, autres_counts, nr_autres)

    # --- reference tables ------------------------------------------------------------
    def _reference_tables(self) -> None:
        rng = self.rng
        self.structures = []
        self.structures_of: dict[str, list[str]] = {}
        for t in TERR:
            ids = []
            for i in (1, 2):
                sid = f"S{t}{i}"
                ville = COMMUNES[t][i - 1]
                self.structures.append(
                    {"structure_id": sid, "nom": f"Club de prévention de {ville}", "territoire": t}
                )
                ids.append(sid)
            self.structures_of[t] = ids
        self.colleges = []
        self.postes = []
        self.affectations = []
        self.alses_postes: dict[str, list[dict]] = {t: [] for t in TERR}
        self.educ_postes: dict[str, list[dict]] = {t: [] for t in TERR}
        uai = 5900000
        relais = dict(T.RELAIS)
        for t in TERR:
            n, plan = T.POSTES_ALSES[t]
            for i in range(n):
                uais = []
                for _ in range(2 if (t == "VAL" and i == 0) else 1):
                    uai += rng.randint(3, 40)
                    code = f"{uai:07d}{chr(65 + uai % 26)}"
                    uais.append(code)
                    self.colleges.append(
                        {
                            "college_uai": code,
                            "nom": f"Collège {self.fake.last_name()}",
                            "commune": rng.choice(COMMUNES[t]),
                            "territoire": t,
                            "education_prioritaire": rng.choice(
                                ["REP_PLUS", "REP", "REP", "HORS_EP"]
                            ),
                        }
                    )
                is_plan = i < plan
                poste = {
                    "poste_id": self.next_id("P", 4),
                    "structure_id": self.structures_of[t][i % 2],
                    "fonction": "ALSES",
                    "plan_pauvrete": "Oui" if is_plan else rng.choice(["Non", "Non", ""]),
                    "colleges_uai": uais,
                    "date_debut": dt.date(2015 + i % 6, 9, 1),
                    "date_fin": None,
                    "terr": t,
                }
                self.postes.append(poste)
                self.alses_postes[t].append(poste)
                two = t in relais and relais[t] == is_plan and i == (0 if is_plan else n - 1)
                if two:
                    self._affecter(poste, dt.date(2019, 9, 1), dt.date(2022, 1, 14))
                    self._affecter(poste, dt.date(2022, 1, 17), None)
                else:
                    self._affecter(poste, poste["date_debut"], None)
            for i in range(T.POSTES_EDUC[t]):
                poste = {
                    "poste_id": self.next_id("P", 4),
                    "structure_id": self.structures_of[t][i % 2],
                    "fonction": "EDUC",
                    "plan_pauvrete": "",
                    "colleges_uai": [],
                    "date_debut": dt.date(2010 + i % 10, 1, 1),
                    "date_fin": None,
                    "terr": t,
                }
                self.postes.append(poste)
                self.educ_postes[t].append(poste)
                self._affecter(poste, poste["date_debut"], None)
            coord = {
                "poste_id": self.next_id("P", 4),
                "structure_id": self.structures_of[t][0],
                "fonction": "COORD",
                "plan_pauvrete": "",
                "colleges_uai": [],
                "date_debut": dt.date(2012, 1, 1),
                "date_fin": None,
                "terr": t,
            }
            self.postes.append(coord)
            self._affecter(coord, coord["date_debut"], None)
        # An ALSES post closed before 2021-2022: counts in 2020-2021 only.
        uai += 17
        code = f"{uai:07d}{chr(65 + uai % 26)}"
        self.colleges.append(
            {
                "college_uai": code,
                "nom": "Collège Jean Jaurès",
                "commune": "Douai",
                "territoire": "DOU",
                "education_prioritaire": "REP",
            }
        )
        closed = {
            "poste_id": self.next_id("P", 4),
            "structure_id": self.structures_of["DOU"][0],
            "fonction": "ALSES",
            "plan_pauvrete": "Non",
            "colleges_uai": [code],
            "date_debut": dt.date(2016, 9, 1),
            "date_fin": dt.date(2021, 6, 30),
            "terr": "DOU",
        }
        self.postes.append(closed)
        self.closed_poste = closed
        self._affecter(closed, dt.date(2016, 9, 1), dt.date(2021, 6, 30))
        # Partners: one per collège (type ETAB), two of each other type per territory,
        # and a few outside the département (empty territoire).
        self.partenaires = []
        self.partenaires_of: dict[tuple[str, str], list[str]] = defaultdict(list)
        for c in self.colleges:
            self._partenaire("ETAB", c["territoire"], c["nom"], c["college_uai"])
        types = [c for (f, c) in self.labels if f == "type_partenaire"]
        for t in TERR:
            for typ in types:
                for _ in range(1 if typ == "ETAB" else 2):
                    nom = f"{self.labels[('type_partenaire', typ)]} de {rng.choice(COMMUNES[t])}"
                    self._partenaire(typ, t, nom, None)
        for typ in types:
            self._partenaire(typ, None, f"{self.labels[('type_partenaire', typ)]} (hors Nord)")

    def _affecter(self, poste: dict, debut: dt.date, fin: dt.date | None) -> None:
        self.affectations.append(
            {
                "poste_id": poste["poste_id"],
                "educateur_id": self.next_id("E", 4),
                "date_debut": debut,
                "date_fin": fin,
            }
        )

    def _partenaire(self, typ: str, terr: str | None, nom: str, uai: str | None = None) -> None:
        pid = self.next_id("PA", 4)
        self.partenaires.append(
            {"partenaire_id": pid, "nom": nom, "type": typ, "territoire": terr, "college_uai": uai}
        )
        self.partenaires_of[(terr or "", typ)].append(pid)

    # --- jeunes -----------------------------------------------------------------------
    def new_jeune(self, terr: str, alses: bool) -> Jeune:
        postes = self.alses_postes[terr] if alses else self.educ_postes[terr]
        poste = self.rng.choice(postes)
        j = Jeune(self.next_id("U", 6), terr, alses, poste["poste_id"], poste["structure_id"])
        j.identity = (
            self.fake.last_name(),
            self.fake.first_name(),  # type: ignore[attr-defined]
            self.fake.street_address(),
        )
        return j

    def population(
        self, alses_by_terr: dict[str, int], n_autres: int, keep: dict[str, list[Jeune]]
    ) -> tuple[dict[str, list[Jeune]], list[Jeune]]:
        alses = {t: list(keep.get(t, [])) for t in TERR}
        for t in TERR:
            alses[t] += [self.new_jeune(t, True) for _ in range(alses_by_terr[t] - len(alses[t]))]
        weights = {t: T.POSTES_EDUC[t] for t in TERR}
        per_terr = largest_remainder(weights, n_autres)
        autres = [self.new_jeune(t, False) for t in TERR for _ in range(per_terr[t])]
        return alses, autres

    def jeune_attributes(self, alses: dict[str, list[Jeune]], autres: list[Jeune]) -> None:
        """Every calibrated attribute of the fiche Usager and the reference situation."""
        rng = self.rng
        every = [j for t in TERR for j in alses[t]] + autres
        # 1 % have no fiche Situation at all: every situation field is non renseigné.
        for j in every:
            j.a["situation"] = rng.random() >= 0.01
        has_sit = {t: [j for j in alses[t] if j.a["situation"]] for t in TERR}
        autres_sit = [j for j in autres if j.a["situation"]]
        self.calibrate(alses, autres, "sexe", T.SEXE, nr_rate=0.005)
        self.calibrate(
            has_sit,
            autres_sit,
            "scolarite",
            {"NORD": T.SCOLARITE_ALSES},
            nr_rate=0.01,
            autres_shares=T.SCOLARITE_AUTRES,
        )
        college = {t: [j for j in has_sit[t] if j.a["scolarite"] == "COLLEGE"] for t in TERR}
        college_autres = [j for j in autres_sit if j.a["scolarite"] == "COLLEGE"]
        self.calibrate(college, college_autres, "classe", T.CLASSE, nr_rate=0.015)
        self.calibrate(has_sit, autres_sit, "hebergement", {"NORD": T.HEBERGEMENT}, nr_rate=0.02)
        self.calibrate(
            has_sit, autres_sit, "configuration_familiale", T.CONFIGURATION, nr_rate=0.03
        )
        self.calibrate(has_sit, autres_sit, "ressources", T.RESSOURCE, nr_rate=0.15)
        # Measures: 15.3 % of all jeunes accompagnés (ALSES), taken among those with a
        # situation; the others have none (empty field: no measure known).
        measured: dict[str, list[Jeune]] = {}
        for t in TERR:
            n = len(alses[t])
            k = round(T.MESURE_CONNUE * n / 100)
            pool = list(has_sit[t])
            rng.shuffle(pool)
            measured[t] = pool[:k]
        total = sum(len(alses[t]) for t in TERR)
        target = round(T.MESURE_CONNUE * total / 100)
        diff = target - sum(len(measured[t]) for t in TERR)
        if diff:
            pool = [j for j in has_sit["LIL"] if j not in measured["LIL"]]
            measured["LIL"] = (
                measured["LIL"][: len(measured["LIL"]) + min(diff, 0)] + pool[: max(diff, 0)]
            )
        pool = list(autres_sit)
        rng.shuffle(pool)
        measured_autres = pool[: round(T.MESURE_CONNUE_AUTRES * len(autres) / 100)]
        for j in every:
            j.a["mesures"] = None
        self.calibrate(measured, measured_autres, "mesures", T.MESURE)
        aided = {t: [j for j in has_sit[t] if rng.random() < T.AIDE_CONNUE / 100] for t in TERR}
        aided_autres = [j for j in autres_sit if rng.random() < 0.3]
        for j in every:
            j.a["aides"] = None
        self.calibrate(aided, aided_autres, "aides", {"NORD": T.AIDE})
        # Origin of the demand (fiche Usager).
        self.calibrate(alses, autres, "origine_groupe", T.ORIGINE_GROUPE, nr_rate=0.03)
        grp = {
            g: (
                {t: [j for j in alses[t] if j.a["origine_groupe"] == g] for t in TERR},
                [j for j in autres if j.a["origine_groupe"] == g],
            )
            for g in ("PUBLICS", "PARTENAIRES", "PROFESSIONNELS_PS")
        }
        self.calibrate(*grp["PUBLICS"], "origine_demande", T.ORIGINE_PUBLICS)
        self.calibrate(*grp["PROFESSIONNELS_PS"], "origine_demande", T.ORIGINE_PROFESSIONNELS)
        self._origine_partenaires(*grp["PARTENAIRES"])
        etab = {t: [j for j in alses[t] if j.a.get("origine_demande") == "PART_ETAB"] for t in TERR}
        etab_autres = [j for j in autres if j.a.get("origine_demande") == "PART_ETAB"]
        self._fonction_etab(etab, etab_autres)
        for j in every:
            j.a.setdefault("origine_demande", None)
            j.a.setdefault("origine_fonction_etab", None)
        self.calibrate(alses, autres, "demande_principale", T.DEMANDE_PRINCIPALE, nr_rate=0.02)
        scol = {t: [j for j in alses[t] if j.a["demande_principale"] == "SCOL"] for t in TERR}
        scol_autres = [j for j in autres if j.a["demande_principale"] == "SCOL"]
        for j in every:
            j.a["demande_scolarite"] = None
        self.calibrate(scol, scol_autres, "demande_scolarite", T.DEMANDE_SCOLARITE, nr_rate=0.01)

    def _origine_partenaires(self, alses: dict[str, list[Jeune]], autres: list[Jeune]) -> None:
        """Subgroups of origins PARTENAIRES with the report's 94 % and 71,20 % exact."""
        p = sum(len(alses[t]) for t in TERR)
        best = None
        for n in range(round(0.055 * p), round(0.065 * p) + 1):
            k = round(T.PART_SOCIAL_HORS_EN / 100 * n)
            err = abs(k / n * 100 - T.PART_SOCIAL_HORS_EN) + abs((p - n) / p * 100 - T.PART_EN)
            if best is None or err < best[0]:
                best = (err, n, k)
        _, n, k = best
        nord_counts = {"EN": p - n, "SOC": k, "AUT": n - k}
        shares = {
            "EN": T.PART_EN,
            "SOC": (100 - T.PART_EN) * T.PART_SOCIAL_HORS_EN / 100,
            "AUT": (100 - T.PART_EN) * (1 - T.PART_SOCIAL_HORS_EN / 100),
        }
        en_autres = max(0, round(T.PART_EN_PS / 100 * (p + len(autres))) - nord_counts["EN"])
        rest = len(autres) - en_autres
        autres_counts = {"EN": en_autres, "SOC": round(rest * 0.6), "AUT": rest - round(rest * 0.6)}
        counts = allocate({t: len(alses[t]) for t in TERR}, shares, None, "LIL", nord_counts)
        for t in TERR:
            self.hand_out(alses[t], "sous_groupe", counts[t])
        self.hand_out(autres, "sous_groupe", autres_counts)
        for j in [j for t in TERR for j in alses[t]] + autres:
            sg = j.a.pop("sous_groupe")
            j.a["origine_demande"] = (
                "PART_ETAB"
                if sg == "EN"
                else self.rng.choice(T.PART_SOCIAL_CODES if sg == "SOC" else T.PART_AUTRES_CODES)
            )

    def _fonction_etab(self, alses: dict[str, list[Jeune]], autres: list[Jeune]) -> None:
        """Fonction in the school, with the report's territory figures held exactly.

        Sambre-Avesnois: PROF = département + 23 points; Valenciennes, Douai, Cambrai:
        AS_INF = 20, 16, 12 %. On denominators of ~60 jeunes one jeune weighs 1.7 point,
        so each of those territories gets the count itself, with a number of non
        renseigné chosen so that the share falls within 0.3 point of the figure.
        """
        spec = T.FONCTION_ETAB
        nr = {t: round(0.04 * len(alses[t])) for t in TERR}
        d = {t: len(alses[t]) - nr[t] for t in TERR}
        fixed = {t: ("AS_INF", float(spec[t]["AS_INF"])) for t in ("VAL", "DOU", "CAM")}
        for t, (_, share) in fixed.items():
            while abs(round(share * d[t] / 100) / d[t] * 100 - share) > 0.3:
                nr[t] += 1
                d[t] -= 1
        nord = largest_remainder(spec["NORD"], sum(d.values()))
        fixed["SAM"] = ("PROF", nord["PROF"] / sum(d.values()) * 100 + T.FONCTION_PROF_SAM_ECART)
        overrides = {t: v for t, v in spec.items() if t in TERR}
        counts = allocate(d, spec["NORD"], overrides, "LIL", nord)
        for t, (mod, share) in fixed.items():
            k = round(share * d[t] / 100)
            others = {m: v for m, v in spec[t].items() if m != mod}
            exact = largest_remainder(others, d[t] - k) | {mod: k}
            counts["LIL"] = {m: counts["LIL"][m] + counts[t][m] - exact[m] for m in nord}
            counts[t] = exact
        if min(counts["LIL"].values()) < 0:
            raise ValueError(f"fonction_etab: negative LIL counts {counts['LIL']}")
        for t in TERR:
            self.hand_out(alses[t], "origine_fonction_etab", counts[t], nr[t])
        nr_a = round(0.04 * len(autres))
        self.hand_out(
            autres,
            "origine_fonction_etab",
            largest_remainder(spec["NORD"], len(autres) - nr_a),
            nr_a,
        )

    # --- interventions ---------------------------------------------------------------
    def interventions(
        self,
        y0: int,
        alses: dict[str, list[Jeune]],
        autres: list[Jeune],
        n_alses: int,
        n_autres: int,
        calibrated: bool,
    ) -> list[Intervention]:
        rng = self.rng
        per_terr = largest_remainder({t: len(alses[t]) for t in TERR}, n_alses)
        rows: dict[str, list[Intervention]] = {}
        for t in TERR:
            rows[t] = self._spread(alses[t], per_terr[t], True)
        rows_autres = self._spread(autres, n_autres, False)
        if calibrated:
            # ALSES interventions with a lieu: exactly INTERVENTIONS_ALSES_LIEU.
            sans = largest_remainder(
                {t: len(rows[t]) for t in TERR}, T.INTERVENTIONS_ALSES_SANS_LIEU
            )
        else:
            sans = {t: round(0.02 * len(rows[t])) for t in TERR}
        with_lieu = {}
        for t in TERR:
            pool = list(rows[t])
            rng.shuffle(pool)
            for i in pool[: sans[t]]:
                i.a["lieu"] = None
            with_lieu[t] = pool[sans[t] :]
        self.calibrate(
            with_lieu, rows_autres, "lieu", T.LIEU, nr_rate=0.0, autres_shares=T.LIEU_AUTRES
        )
        self.calibrate(
            rows,
            rows_autres,
            "objectif",
            T.OBJECTIF,
            nr_rate=T.OBJECTIF_VIDE,
            autres_shares=T.OBJECTIF_AUTRES,
        )
        self.calibrate(
            rows, rows_autres, "mobilisation", T.MOBILISATION, autres_shares=T.MOBILISATION_AUTRES
        )
        fam = {t: [i for i in rows[t] if i.a["mobilisation"] in ("F", "FP")] for t in TERR}
        fam_autres = [i for i in rows_autres if i.a["mobilisation"] in ("F", "FP")]
        for i in [i for t in TERR for i in rows[t]] + rows_autres:
            i.a["membres"] = None
            i.a["objfam"] = None
        self.calibrate(fam, fam_autres, "membres", T.MEMBRE)
        # Family objectives: exactly INTERVENTIONS_ALSES_OBJ_FAMILLE ALSES interventions,
        # preferably those mobilising the family.
        n_obj = (
            sum(T.OBJECTIF_FAMILLE["NORD_COUNTS"].values()) if calibrated else round(0.22 * n_alses)
        )
        n_obj_t = largest_remainder({t: len(rows[t]) for t in TERR}, n_obj)
        chosen = {t: self._prefer_family(rows[t], n_obj_t[t]) for t in TERR}
        n_obj_autres = (
            sum(T.OBJECTIF_FAMILLE_AUTRES_COUNTS.values())
            if calibrated
            else round(0.3 * len(rows_autres))
        )
        chosen_autres = self._prefer_family(rows_autres, n_obj_autres)
        spec = dict(T.OBJECTIF_FAMILLE)
        if not calibrated:
            spec["NORD"] = spec.pop("NORD_COUNTS")
        else:
            spec["NORD"] = spec["NORD_COUNTS"]
        if calibrated:
            counts = allocate(
                {t: len(chosen[t]) for t in TERR},
                spec["NORD"],
                {t: v for t, v in spec.items() if t in TERR},
                "LIL",
                spec["NORD_COUNTS"],
            )
            for t in TERR:
                self.hand_out(chosen[t], "objfam", counts[t])
            self.hand_out(chosen_autres, "objfam", dict(T.OBJECTIF_FAMILLE_AUTRES_COUNTS))
        else:
            self.calibrate(
                chosen,
                chosen_autres,
                "objfam",
                spec,
                autres_shares=T.OBJECTIF_FAMILLE_AUTRES_COUNTS,
            )
        for i in [i for t in TERR for i in rows[t]] + rows_autres:
            m = i.a["mobilisation"]
            i.a["present"] = (
                "Oui"
                if m == "J"
                else (rng.choice(["Oui", "Non"]) if m != "N" else rng.choice(["Non", "Non", ""]))
            )
            i.a["dispositif"] = (
                rng.choice(["CHANTIER", "SEJOUR", "ATELIER", "ACCUEIL", "AUTRE"])
                if m == "D"
                else None
            )
            i.a["duree"] = rng.choice([15, 20, 30, 30, 45, 60, 60, 90, 120, 180])
            i.a["date"] = self.school_day(y0)
            i.a["partenaires"] = []
        self._partner_mobilisations(rows, rows_autres)
        return [i for t in TERR for i in rows[t]] + rows_autres

    def _spread(self, jeunes: list[Jeune], n: int, alses: bool) -> list[Intervention]:
        """At least one intervention per jeune, the rest spread at random."""
        if n < len(jeunes):
            raise ValueError("fewer interventions than jeunes")
        extra = [self.rng.randrange(len(jeunes)) for _ in range(n - len(jeunes))]
        counts = [1] * len(jeunes)
        for e in extra:
            counts[e] += 1
        out = []
        for j, c in zip(jeunes, counts, strict=True):
            postes = self.alses_postes[j.terr] if alses else self.educ_postes[j.terr]
            same = [p["poste_id"] for p in postes if p["structure_id"] == j.structure]
            for _ in range(c):
                poste = j.poste if self.rng.random() < 0.9 else self.rng.choice(same)
                out.append(Intervention(j, poste, j.terr, alses))
        return out

    def _prefer_family(self, rows: list[Intervention], n: int) -> list[Intervention]:
        fam = [i for i in rows if i.a["mobilisation"] in ("F", "FP")]
        rest = [i for i in rows if i.a["mobilisation"] not in ("F", "FP")]
        self.rng.shuffle(fam)
        self.rng.shuffle(rest)
        return (fam + rest)[:n]

    def _partner_mobilisations(
        self, rows: dict[str, list[Intervention]], rows_autres: list[Intervention]
    ) -> None:
        rng = self.rng

        def slots(interventions: list[Intervention]) -> list[Intervention]:
            out = []
            for i in interventions:
                if i.a["mobilisation"] in ("P", "FP"):
                    out.append(i)
                    if rng.random() < T.SECOND_PARTENAIRE:
                        out.append(i)
            return out

        mob = {t: slots(rows[t]) for t in TERR}
        mob_autres = slots(rows_autres)
        sur = T.SUR_TERRITOIRE
        shares = {t: {"SUR": sur[t], "HORS": 100 - sur[t]} for t in TERR if t in sur}
        counts = allocate(
            {t: len(mob[t]) for t in TERR},
            {"SUR": sur["NORD"], "HORS": 100 - sur["NORD"]},
            shares,
            sur["balance"],
        )
        total_ps = sum(len(mob[t]) for t in TERR) + len(mob_autres)
        sur_ps = round(T.SUR_TERRITOIRE_PS / 100 * total_ps)
        sur_autres = sur_ps - sum(counts[t]["SUR"] for t in TERR)
        autres_counts = {"SUR": sur_autres, "HORS": len(mob_autres) - sur_autres}
        sur_rows = {}
        for t in TERR:
            slots_t = mob[t]
            rng.shuffle(slots_t)
            sur_rows[t] = slots_t[: counts[t]["SUR"]]
            for i in slots_t[counts[t]["SUR"] :]:
                self._attach_partner(i, outside=True, typ=None)
        rng.shuffle(mob_autres)
        for i in mob_autres[autres_counts["SUR"] :]:
            self._attach_partner(i, outside=True, typ=None)
        for r in [r for t in TERR for r in sur_rows[t]]:
            r.a.setdefault("_typ", [])
        types = allocate({t: len(sur_rows[t]) for t in TERR}, T.PARTENAIRE_TYPE_SUR)
        for t in TERR:
            pool = list(sur_rows[t])
            rng.shuffle(pool)
            values = [k for k, n in types[t].items() for _ in range(n)]
            for i, typ in zip(pool, values, strict=True):
                self._attach_partner(i, outside=False, typ=typ)
        all_types = [c for (f, c) in self.labels if f == "type_partenaire"]
        for i in mob_autres[: autres_counts["SUR"]]:
            self._attach_partner(i, outside=False, typ=rng.choice(all_types))

    def _attach_partner(self, i: Intervention, outside: bool, typ: str | None) -> None:
        """A partner of the type, on the post's territory or not, new to the intervention."""
        if outside:
            keys = [k for k in self.partenaires_of if k[0] != i.terr]
            candidates = [p for k in keys for p in self.partenaires_of[k]]
        else:
            candidates = list(self.partenaires_of[(i.terr, typ)])
        candidates = [p for p in candidates if p not in i.a["partenaires"]]
        i.a["partenaires"].append(self.rng.choice(candidates))

    # --- ages ----------------------------------------------------------------------------
    def birth_dates(self, jeunes: list[Jeune], y1: int) -> None:
        for j in jeunes:
            if getattr(j, "birth", None) is not None or j.a.get("age") is None:
                j.birth = getattr(j, "birth", None)  # type: ignore[attr-defined]
                continue
            a = int(j.a["age"])
            j.birth = self.day_between(dt.date(y1 - a - 1, 1, 2), dt.date(y1 - a, 1, 1))

    def fixed_then_rest(
        self, alses: list[Jeune], key: str, shares: dict, fixed: list[Jeune], nr_rate: float
    ) -> None:
        """Département quota over all ALSES jeunes, the `fixed` ones keeping their value."""
        nr = round(nr_rate * len(alses))
        target = largest_remainder(shares, len(alses) - nr)
        for j in fixed:
            target[j.a[key]] -= 1
        if min(target.values()) < 0:
            raise ValueError(f"{key}: continuing jeunes exceed the quota {target}")
        fixed_ids = {id(j) for j in fixed}
        self.hand_out([j for j in alses if id(j) not in fixed_ids], key, target, nr)

    # --- one school year ------------------------------------------------------------------
    def year_2122(self) -> dict:
        alses, autres = self.population(
            T.JEUNES_ALSES_2122, T.JEUNES_PS_2122 - sum(T.JEUNES_ALSES_2122.values()), {}
        )
        self.jeune_attributes(alses, autres)
        self.calibrate(
            alses, autres, "age", {"NORD": T.AGE}, nr_rate=0.005, autres_shares=T.AGE_AUTRES
        )
        every = [j for t in TERR for j in alses[t]] + autres
        self.birth_dates(every, 2022)
        interventions = self.interventions(
            2021,
            alses,
            autres,
            T.INTERVENTIONS_ALSES_LIEU + T.INTERVENTIONS_ALSES_SANS_LIEU,
            T.INTERVENTIONS_AUTRES,
            calibrated=True,
        )
        return {"alses": alses, "autres": autres, "interventions": interventions}

    def year_2021(self, y2122: dict) -> dict:
        # The smallest ALSES population from 2700 on for which 16,56 % is exact at 0.005.
        n = next(
            n
            for n in range(T.JEUNES_ALSES_2021, T.JEUNES_ALSES_2021 + 200)
            if abs(round(0.1656 * (n - round(0.005 * n))) / (n - round(0.005 * n)) - 0.1656)
            < 0.00004
        )
        per_terr = largest_remainder(T.JEUNES_ALSES_2122, n)
        keep: dict[str, list[Jeune]] = {}
        fixed: list[Jeune] = []
        for t in TERR:
            pool = [
                j
                for j in y2122["alses"][t]
                if j.a.get("age") in ("12", "13", "14", "15") and j.a.get("sexe")
            ]
            self.rng.shuffle(pool)
            keep[t] = []
            for j in pool[: round(0.2 * per_terr[t])]:
                old = Jeune(j.usager_id, t, True, j.poste, j.structure)
                old.identity, old.birth = j.identity, j.birth  # type: ignore[attr-defined]
                old.a = {"sexe": j.a["sexe"], "age": str(int(j.a["age"]) - 1)}
                j.continuing = True  # type: ignore[attr-defined]
                keep[t].append(old)
                fixed.append(old)
        alses, autres = self.population(per_terr, T.JEUNES_PS_2021 - n, keep)
        saved = {id(j): dict(j.a) for j in fixed}
        self.jeune_attributes(alses, autres)
        for j in fixed:
            j.a.update(saved[id(j)])
        flat = [j for t in TERR for j in alses[t]]
        self.fixed_then_rest(flat, "sexe", T.SEXE_2021, fixed, 0.005)
        self.fixed_then_rest(flat, "age", T.AGE_2021, fixed, 0.005)
        self.hand_out(autres, "age", largest_remainder(T.AGE_AUTRES, len(autres)))
        self.birth_dates(flat + autres, 2021)
        n_int = round(n * T.INTERVENTIONS_2021_PAR_JEUNE)
        interventions = self.interventions(
            2020, alses, autres, n_int, round(len(autres) * 5.5), calibrated=False
        )
        return {"alses": alses, "autres": autres, "interventions": interventions}

    # --- situations, usagers, actions ---------------------------------------------------
    def situations(self, jeunes: list[Jeune], y0: int, history: dict[str, list[dict]]) -> list:
        rng = self.rng
        rows = list(history.get("__all__", []))
        end = dt.date(y0 + 1, 8, 31)
        colleges_of = defaultdict(list)
        for c in self.colleges:
            colleges_of[c["territoire"]].append(c["college_uai"])
        for j in jeunes:
            if not j.a.get("situation"):
                continue
            ref_date = self.school_day(y0)
            base = {
                "usager_id": j.usager_id,
                "scolarite": j.a.get("scolarite"),
                "classe": j.a.get("classe"),
                "hebergement": j.a.get("hebergement"),
                "mesures": j.a.get("mesures"),
                "aides": j.a.get("aides"),
                "configuration_familiale": j.a.get("configuration_familiale"),
                "ressources": j.a.get("ressources"),
                "college_uai": rng.choice(colleges_of[j.terr])
                if j.a.get("scolarite") == "COLLEGE"
                else None,
                "situation_professionnelle": None,
                "diplome": None,
            }
            if j.a.get("age") and int(j.a["age"]) >= 16:
                base["situation_professionnelle"] = rng.choice(
                    ["SCOLAIRE", "FORMATION", "RECHERCHE", "SANS", "EMPLOI"]
                )
                base["diplome"] = rng.choice(["AUCUN", "DNB", "CAP_BEP", None])
            if rng.random() < 0.35:
                older = dict(
                    base,
                    hebergement=rng.choice(["PARENTS", "TIERS", None]),
                    mesures=None,
                    configuration_familiale=rng.choice(["COUPLE", "MONOPARENTALE", None]),
                )
                older["date"] = ref_date - dt.timedelta(days=rng.randint(20, 400))
                rows.append(self._sit(older))
            if rng.random() < 0.02:
                rows.append(self._sit(dict(base, hebergement="FOYER", classe=None, date=ref_date)))
            rows.append(self._sit(dict(base, date=ref_date)))
            if rng.random() < 0.03 and not getattr(j, "continuing", False):
                later = dict(
                    base,
                    hebergement="ACCUEIL",
                    mesures="ASE",
                    date=end + dt.timedelta(days=rng.randint(1, 45)),
                )
                rows.append(self._sit(later))
            history.setdefault(j.usager_id, []).extend(
                r for r in rows[-4:] if r["usager_id"] == j.usager_id
            )
        return rows

    def _sit(self, s: dict) -> dict:
        s = dict(s)
        s["situation_id"] = self.next_id("SIT", 7)
        return s

    def write_year(self, root: Path, annee: str, data: dict, situations: list[dict]) -> None:
        y0 = int(annee[:4])
        folder = root / annee
        folder.mkdir(parents=True, exist_ok=True)
        jeunes = [j for t in TERR for j in data["alses"][t]] + data["autres"]
        extra = [self.new_jeune(self.rng.choice(TERR), False) for _ in range(40)]
        for j in extra:
            j.a = {"sexe": self.rng.choice(["F", "M"]), "age": "15"}
        self.birth_dates(extra, y0 + 1)
        self._csv(
            folder,
            "structures",
            [
                {**s, "territoire": self.label("territoire", s["territoire"])}
                for s in self.structures
            ],
        )
        self._csv(
            folder,
            "colleges",
            [
                {
                    **c,
                    "territoire": self.label("territoire", c["territoire"]),
                    "education_prioritaire": self.label(
                        "education_prioritaire", c["education_prioritaire"]
                    ),
                }
                for c in self.colleges
            ],
        )
        self._csv(
            folder,
            "postes",
            [
                {
                    **p,
                    "fonction": self.label("fonction_poste", p["fonction"]),
                    "colleges_uai": "|".join(p["colleges_uai"]),
                    "date_debut": self.date(p["date_debut"]),
                    "date_fin": self.date(p["date_fin"]),
                }
                for p in self.postes
            ],
        )
        self._csv(
            folder,
            "affectations",
            [
                {
                    **a,
                    "date_debut": self.date(a["date_debut"]),
                    "date_fin": self.date(a["date_fin"]),
                }
                for a in self.affectations
            ],
        )
        self._csv(
            folder,
            "partenaires",
            [
                {
                    **p,
                    "type": self.label("type_partenaire", p["type"]),
                    "territoire": self.label("territoire", p["territoire"]),
                }
                for p in self.partenaires
            ],
        )
        self._csv(
            folder,
            "usagers",
            [self._usager(j, y0) for j in jeunes + extra],
        )
        self._csv(
            folder,
            "situations",
            [self._situation_row(s) for s in situations],
        )
        self._csv(
            folder,
            "interventions",
            [
                self._intervention_row(i, n)
                for n, i in enumerate(
                    sorted(data["interventions"], key=lambda i: i.a["date"]), start=1
                )
            ],
            prefix=f"I{annee[2:4]}",
        )
        self._actions(folder, y0, jeunes, extra)
        (root / "README.md").write_text(README.format(seed=SEED), encoding="utf-8")
        # The demo rule (alses/settings.py): this year is demo data because of this file.
        (folder / DEMO_YEAR_FILE).write_text(
            README_ANNEE.format(seed=SEED, annee=annee), encoding="utf-8"
        )

    def _usager(self, j: Jeune, y0: int) -> dict:
        nom, prenom, adresse = j.identity  # type: ignore[attr-defined]
        a = j.a
        r = self.rng.random()
        if not hasattr(j, "debut"):
            k = self.rng.choices([0, 1, 2, 3, 4], [55, 28, 12, 3, 2])[0]
            j.debut = (
                None
                if r < 0.02
                # type: ignore[attr-defined]
                else dt.date(y0 + 1, 9, self.rng.randint(1, 20))
                if r < 0.03
                else self.day_between(dt.date(y0 - k, 9, 1), dt.date(y0 - k + 1, 8, 31))
            )
        creation = j.debut or dt.date(y0, 9, 1)
        return {
            "usager_id": j.usager_id,
            "structure_id": j.structure,
            "nom": nom,
            "prenom": prenom,
            "date_naissance": self.date(j.birth),
            "sexe": self.label("sexe", a.get("sexe")),
            "commune_residence": self.rng.choice(COMMUNES[j.terr]),
            "adresse": adresse,
            "reseaux_sociaux": f"@{prenom.lower()}.{self.rng.randint(10, 99)}"
            if self.rng.random() < 0.4
            else "",
            "date_debut_accompagnement": self.date(j.debut),  # type: ignore[attr-defined]
            "origine_demande": self.label("origine_demande", a.get("origine_demande")),
            "origine_fonction_etab": self.label(
                "fonction_etablissement", a.get("origine_fonction_etab")
            ),
            "demande_principale": self.label("thematique", a.get("demande_principale")),
            "demande_scolarite": self.label("demande_scolarite", a.get("demande_scolarite")),
            "date_creation": self.date(creation),
            "date_modification": self.date(creation + dt.timedelta(days=self.rng.randint(0, 200))),
        }

    def _situation_row(self, s: dict) -> dict:
        mes = T.MESURE_PATTERNS.get(s["mesures"], ()) if s["mesures"] else ()
        mes = tuple(self.rng.choice(["AED", "AEMO", "PLACEMENT"]) if m == "ASE" else m for m in mes)
        return {
            "situation_id": s["situation_id"],
            "usager_id": s["usager_id"],
            "date_situation": self.date(s["date"]),
            "scolarite": self.label("scolarite", s["scolarite"]),
            "college_uai": s["college_uai"] or "",
            "classe": self.label("classe", s["classe"]),
            "hebergement": self.label("hebergement", s["hebergement"]),
            "mesures": self.labels_multi("mesure", mes),
            "aides_financieres": self.labels_multi(
                "aide_financiere", T.AIDE_PATTERNS.get(s["aides"], ()) if s["aides"] else ()
            ),
            "configuration_familiale": self.label(
                "configuration_familiale", s["configuration_familiale"]
            ),
            "ressources_familiales": self.labels_multi(
                "ressource",
                T.RESSOURCE_PATTERNS.get(s["ressources"], ()) if s["ressources"] else (),
            ),
            "situation_professionnelle": self.label(
                "situation_professionnelle", s["situation_professionnelle"]
            ),
            "diplome": self.label("diplome", s["diplome"]),
        }

    def _intervention_row(self, i: Intervention, n: int) -> dict:
        a = i.a
        objectifs = []
        if a["objectif"]:
            objectifs = [a["objectif"]]
            if a["objectif"] == "SCOL_ASSIDUITE" and self.rng.random() < T.OBJECTIF_SECOND_SCOL:
                objectifs.append("SCOL_APPRENTISSAGE")
        return {
            "intervention_id": n,
            "usager_id": i.jeune.usager_id,
            "poste_id": i.poste,
            "date_intervention": self.date(a["date"]),
            "duree_minutes": a["duree"],
            "jeune_present": a["present"],
            "lieu": self.label("lieu", a["lieu"]),
            "objectifs": self.labels_multi("objectif", objectifs),
            "membres_famille": self.labels_multi(
                "membre_famille", T.MEMBRE_PATTERNS[a["membres"]] if a["membres"] else ()
            ),
            "objectifs_famille": self.labels_multi(
                "objectif_famille", T.OBJFAM_PATTERNS[a["objfam"]] if a["objfam"] else ()
            ),
            "partenaires": "|".join(a["partenaires"]),
            "dispositifs_internes": self.label("dispositif", a["dispositif"]),
        }

    def _actions(self, folder: Path, y0: int, jeunes: list[Jeune], extra: list[Jeune]) -> None:
        rng = self.rng
        by_structure = defaultdict(list)
        for j in jeunes + extra:
            by_structure[j.structure].append(j)
        ponct, coll, part = [], [], []
        for s in self.structures:
            postes = [p["poste_id"] for p in self.postes if p["structure_id"] == s["structure_id"]]
            for kind, n in (("P", 8), ("C", 3)):
                for _ in range(n):
                    aid = self.next_id(f"A{kind}", 5)
                    row = {
                        "action_id": aid,
                        "structure_id": s["structure_id"],
                        "poste_id": rng.choice(postes),
                        "type_action": self.label(
                            "type_action",
                            rng.choice(["SORTIE", "ATELIER", "SEJOUR", "CHANTIER", "EVENEMENT"]),
                        ),
                        "thematique": self.label(
                            "thematique", rng.choice(["LOISIRS", "SCOL", "SANTE", "EMPLOI"])
                        ),
                        "initiative": self.label(
                            "initiative", rng.choice(["JEUNES", "EQUIPE", "PARTENAIRE"])
                        ),
                        "partenaires": "|".join(
                            rng.sample(
                                [
                                    p["partenaire_id"]
                                    for p in self.partenaires
                                    if p["territoire"] == s["territoire"]
                                ],
                                2,
                            )
                        ),
                        "financements": self.labels_multi(
                            "financement",
                            rng.sample(["FONDS_PROPRES", "DEPARTEMENT", "COMMUNE", "CAF"], 2),
                        ),
                        "objectifs": self.labels_multi("objectif", ["LOISIRS"]),
                        "communication": self.labels_multi("communication", ["AFFICHAGE"]),
                        "nb_participants_non_accompagnes": rng.randint(0, 12),
                    }
                    start = self.school_day(y0)
                    if kind == "P":
                        ponct.append({**row, "date_action": self.date(start)})
                    else:
                        coll.append(
                            {
                                **row,
                                "date_debut": self.date(start),
                                "date_fin": self.date(
                                    start + dt.timedelta(days=rng.randint(30, 300))
                                ),
                                "dispositif_projet": f"Projet {self.fake.word()}",
                                "porteur": self.label(
                                    "porteur", rng.choice(["STRUCTURE", "PARTENAIRE", "COPORTAGE"])
                                ),
                            }
                        )
                    members = by_structure[s["structure_id"]]
                    for j in rng.sample(members, min(len(members), rng.randint(3, 10))):
                        part.append({"action_id": aid, "usager_id": j.usager_id})
        for j in extra:
            part.append({"action_id": coll[0]["action_id"], "usager_id": j.usager_id})
        self._csv(folder, "actions_ponctuelles", ponct)
        self._csv(folder, "actions_collectives", coll)
        seen = set()
        part = [
            p
            for p in part
            if not (
                (p["action_id"], p["usager_id"]) in seen
                or seen.add((p["action_id"], p["usager_id"]))
            )
        ]
        self._csv(folder, "actions_participants", part)

    def _csv(self, folder: Path, name: str, rows: list[dict], prefix: str = "") -> None:
        """Write a table with the contract's columns (personal ones last, for usagers)."""
        table = TABLES_BY_NAME[name]
        columns = table.column_names + [c for c in PERSONAL_ORDER if c in table.personal]
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter=";", lineterminator="\n")
            w.writerow(columns)
            ident = "intervention_id" in columns
            w.writerows(
                [
                    ""
                    if (v := r.get(c)) is None
                    else (f"{prefix}{v:06d}" if ident and c == "intervention_id" else v)
                    for c in columns
                ]
                for r in rows
            )


def write_demo(root: Path, seed: int = SEED) -> list[Path]:
    """Write both demo drops under `root`; return their folders."""
    g = Generator(seed)
    y2122 = g.year_2122()
    y2021 = g.year_2021(y2122)
    history: dict[str, list[dict]] = {}
    sits_2021 = g.situations(
        y2021["alses"][TERR[0]][:0]
        + [j for t in TERR for j in y2021["alses"][t]]
        + y2021["autres"],
        2020,
        history,
    )
    continuing = {
        j.usager_id for t in TERR for j in y2122["alses"][t] if getattr(j, "continuing", False)
    }
    carried = [s for s in sits_2021 if s["usager_id"] in continuing]
    sits_2122 = g.situations(
        [j for t in TERR for j in y2122["alses"][t]] + y2122["autres"], 2021, {"__all__": carried}
    )
    g.write_year(root, "2020-2021", y2021, sits_2021)
    g.write_year(root, "2021-2022", y2122, sits_2122)
    return [root / y for y in YEARS]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0] if argv else "data/bdc")
    for folder in write_demo(root):
        print(f"écrit : {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
