"""Statistical disclosure control for every output that leaves the warehouse.

One pure function, `appliquer_secret`, used by the report, the territory sheets and
the open-data export (through the pattern recorded in marts.secret_statistique); and
the attacker's integer programme, `auditer`, that checks a suppression pattern (from
this module or read back from the published files). The threshold, the public mark and
its wording live in alses/secret.py.

The rules (docs/secret_statistique.md):

- primary: below the département (`NORD`), a count of 1–9 jeunes, interventions,
  mobilisations or partner mobilisations — whether it is a cell's numerator or its
  base — is suppressed, in every row that shows it;
- sensitive shares: below the département, a share of 0 % or 100 % of a sensitive
  indicator (measures, housing, financial aid) is suppressed, unless the département
  itself shows the same 0 % or 100 % (then every territory's share is implied);
- protection interval (secondary): further cells are suppressed until every suppressed
  count keeps, for a reader of every published file of the year, an interval of
  integer values at least SEUIL wide (or the whole [0, département's count] when that
  count is smaller). The relations a reader can use bind *quantities* (a count shown
  as a numerator or a base, once per year, scope and territory, even when several
  indicators show it): territories add up to the Nord; the modalities of a
  single-valued indicator add up to their base, those of a multi-valued one add up to
  at least it (catalogue column `reponses`); a group is the sum of its details, or
  lies between their maximum and their sum when multi-valued (catalogue column
  `regroupe`); an indicator's base is another indicator's numerator (`LIENS`); an
  ALSES count is at most its PS count; 0 ≤ numerator ≤ base. A relation is used only
  where it holds on the exact data. The previous year is protected by its own
  pattern: `valeur_n_1` and `evolution_points` are blanked wherever the previous
  year's cell is suppressed;
- audit: for every suppressed count, HiGHS (highspy, warm-started) minimises and
  maximises it, the linear relaxation first, the integer programme only where the
  relaxation's optimum is fractional. Cells the audit finds too narrow get a further
  complementary suppression, and the audit runs again on what is still unsure.

Staff and school counts (`postes_alses`, `educateurs_alses`, `colleges_couverts`)
are not counts of minors and are never suppressed.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from alses.ages import ages_de_chaque_classe
from alses.secret import MOTIF_PRIMAIRE, SEUIL
from alses.territoires import DEPARTEMENT

NORD = DEPARTEMENT
MOTIF_SECONDAIRE = "secret secondaire"
MOTIF_SENSIBLE = "part sensible de 0 % ou 100 %"
MOTIFS = (MOTIF_PRIMAIRE, MOTIF_SENSIBLE, MOTIF_SECONDAIRE)  # strongest first

CLES = ["annee_scolaire", "perimetre", "territoire_code", "indicateur", "modalite"]
MASQUEES = ["numerateur", "denominateur", "valeur", "valeur_n_1", "evolution_points", "rang"]

#: Counts of staff and schools, not of minors: never suppressed.
NON_JEUNES = frozenset({"postes_alses", "educateurs_alses", "colleges_couverts"})
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
#: ALSES is a part of the Prévention Spécialisée: an ALSES count is at most its PS count.
PERIMETRE_INCLUS, PERIMETRE_ENGLOBANT = "ALSES", "PS"


def _seed(nom: str) -> list[dict[str, str]]:
    with (SEEDS / f"{nom}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _reponses(sorte: str) -> frozenset[str]:
    """The indicators whose `reponses` in the catalogue seed is `sorte`."""
    return frozenset(
        r["indicateur"] for r in _seed("indicateurs_catalogue") if r["reponses"] == sorte
    )


#: Multi-valued indicators (catalogue `reponses` = multiples): a jeune or an
#: intervention may fall in several modalities; Σ modalities ≥ base.
MULTIVALUES = _reponses("multiples")
#: A single share (OUI) over a base (`part`): no relation among modalities.
PART_UNIQUE = _reponses("part")
#: One base per modality, the population of each field (`par_modalite`).
BASE_PAR_MODALITE = _reponses("par_modalite")


def _regroupements() -> tuple[tuple[str, str, dict[str, str]], ...]:
    """(group indicator, detail indicator, {detail code: group code}) for every
    indicator whose catalogue `regroupe` names the indicator it groups. The code's
    group comes from where the detail's modalities come from: the nomenclature's
    `groupe` (`nomenclature:<field>`), its `sous_groupe` (`codes_du_groupe:…`), or the
    bounds of seed `modalites_fixes` (`fixe`: the ages and their classes, alses/ages.py)."""
    catalogue = {r["indicateur"]: r for r in _seed("indicateurs_catalogue")}
    nomenclatures = _seed("nomenclatures")
    out = []
    for g, r in catalogue.items():
        d = r["regroupe"]
        if not d:
            continue
        source = catalogue[d]["modalites"].split(":")
        if source[0] == "nomenclature":
            codes = {n["code"]: n["groupe"] for n in nomenclatures if n["field"] == source[1]}
        elif source[0] == "codes_du_groupe":
            codes = {
                n["code"]: n["sous_groupe"]
                for n in nomenclatures
                if n["field"] == source[1] and n["groupe"] == source[2]
            }
        elif (g, d) == ("classe_age", "age"):
            codes = {a: c for c, ages in ages_de_chaque_classe().items() for a in ages}
        else:
            raise ValueError(
                f"seeds/indicateurs_catalogue.csv, indicateur {g}, colonne regroupe : "
                f"les modalités de {d} ne disent pas leur groupe ; donnez-le dans la "
                "nomenclature (colonne groupe) ou retirez le regroupement."
            )
        out.append((g, d, {c: grp for c, grp in codes.items() if grp}))
    return tuple(out)


#: Hierarchies: a single-valued group is the sum of its details; a multi-valued one
#: lies between its largest detail and their sum.
REGROUPEMENTS = _regroupements()
#: No 0 % or 100 % by territory (measures, housing, financial aid).
SENSIBLES = frozenset(
    {
        "hebergement",
        "mesure_connue",
        "mesure_groupe",
        "mesure",
        "aide_financiere_connue",
        "aide_financiere",
    }
)


def est_somme_des_modalites(indicateur: str, unite: str) -> bool:
    """True when the modalities of `indicateur` add up to its base (single-valued)."""
    return (
        unite == "pct"
        and indicateur not in MULTIVALUES
        and indicateur not in PART_UNIQUE
        and indicateur not in BASE_PAR_MODALITE
    )


_CHAMPS_JEUNES = (
    "sexe",
    "date_naissance",
    "date_debut_accompagnement",
    "origine_demande",
    "demande_principale",
    "situation",
    "scolarite",
    "hebergement",
    "configuration_familiale",
    "ressources_familiales",
)
_CHAMPS_INTERVENTIONS = ("duree_minutes", "jeune_present", "lieu", "objectifs")
_TAUX = "taux_renseignement"

#: Quantities shown by several indicators (same year, scope and territory):
#: ("n", indicateur, modalite) is a numerator, ("d", indicateur, modalite or "*") a base.
LIENS: tuple[tuple[tuple[str, str, str], ...], ...] = (
    (
        ("n", "jeunes_accompagnes", "TOTAL"),
        ("d", "mesure_connue", "*"),
        ("d", "aide_financiere_connue", "*"),
        *(("d", _TAUX, c) for c in _CHAMPS_JEUNES),
    ),
    (("n", "interventions", "TOTAL"), *(("d", _TAUX, c) for c in _CHAMPS_INTERVENTIONS)),
    (("n", "mesure_connue", "OUI"), ("d", "mesure", "*"), ("d", "mesure_groupe", "*")),
    (("n", "aide_financiere_connue", "OUI"), ("d", "aide_financiere", "*")),
    (
        ("n", _TAUX, "ressources_familiales"),
        ("d", "ressource", "*"),
        ("d", "ressources_sans_salaire", "*"),
    ),
    (("n", _TAUX, "sexe"), ("d", "sexe", "*")),
    (("n", _TAUX, "date_naissance"), ("d", "age", "*"), ("d", "classe_age", "*")),
    (("n", _TAUX, "date_debut_accompagnement"), ("d", "anciennete", "*")),
    (("n", _TAUX, "origine_demande"), ("d", "origine_groupe", "*")),
    (("n", _TAUX, "demande_principale"), ("d", "demande_principale", "*")),
    (("n", _TAUX, "hebergement"), ("d", "hebergement", "*")),
    (("n", _TAUX, "configuration_familiale"), ("d", "configuration_familiale", "*")),
    (("n", _TAUX, "classe"), ("d", "classe", "*")),
    (("n", _TAUX, "lieu"), ("d", "lieu", "*")),
    (("n", _TAUX, "objectifs"), ("d", "objectif", "*"), ("d", "objectif_theme", "*")),
    (("n", "origine_groupe", "PUBLICS"), ("d", "origine_publics", "*")),
    (
        ("n", "origine_groupe", "PARTENAIRES"),
        ("d", "origine_partenaires", "*"),
        ("d", "origine_partenaire", "*"),
    ),
    (("n", "origine_groupe", "PROFESSIONNELS_PS"), ("d", "origine_professionnels", "*")),
    (
        ("n", "origine_partenaire", "PART_ETAB"),
        ("n", "origine_partenaires", "EDUCATION_NATIONALE"),
        ("d", _TAUX, "origine_fonction_etab"),
    ),
    (("n", _TAUX, "origine_fonction_etab"), ("d", "origine_fonction_etab", "*")),
    (("n", "demande_principale", "SCOL"), ("d", _TAUX, "demande_scolarite")),
    (("n", _TAUX, "demande_scolarite"), ("d", "demande_scolarite", "*")),
    *(
        (("n", "origine_partenaires", g), ("n", "origine_partenaires_hors_en", g))
        for g in ("SOCIAL_PROTECTION_SOIN_JUSTICE", "AUTRES_PARTENAIRES")
    ),
    (("n", "partenaires_territoire", "SUR_TERRITOIRE"), ("d", "partenaires_groupe", "*")),
    (("n", "partenaires_groupe", "DROIT_COMMUN"), ("d", "partenaires_droit_commun", "*")),
    (("n", "partenaires_groupe", "SOCIAL_PJJ_SOIN"), ("d", "partenaires_social", "*")),
)


def _par_groupe(groupe_de: dict[str, str]) -> dict[str, list[str]]:
    groupes: dict[str, list[str]] = defaultdict(list)
    for code, g in sorted(groupe_de.items()):
        groupes[g].append(code)
    return dict(groupes)


@dataclass
class Plan:
    """The quantities shown by a set of cells and the equations that bind them.

    Built from the exact cells; `masque` (True = suppressed row) is the pattern to
    check or to complete."""

    cellules: pd.DataFrame
    valeurs: np.ndarray = field(init=False)  # value of each quantity
    nord: np.ndarray = field(init=False)  # quantity at département level
    jeunes: np.ndarray = field(init=False)  # a count of minors (thresholded)
    rang_n: np.ndarray = field(init=False)  # quantity shown as each row's numerator
    rang_d: np.ndarray = field(init=False)  # ... as its base (-1: none)
    lignes: list[list[int]] = field(init=False)  # rows showing each quantity
    equations: list[tuple[list[int], list[int]]] = field(init=False)  # (terms, coefs)
    bornes: list[tuple[int, int]] = field(init=False)  # numerator ≤ base
    inegalites: list[tuple[list[int], list[int]]] = field(init=False)  # Σ c·q ≤ 0
    requis: np.ndarray = field(init=False)  # interval width each hidden quantity needs
    _resolues: dict = field(init=False, default_factory=dict)  # audit cache
    irreductibles: list[int] = field(init=False, default_factory=list)  # pinned by the Nord
    _termes: tuple | None = field(init=False, default=None)  # equations as arrays (audit)
    _sensibles: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        df = self.cellules
        n = len(df)
        annee = df["annee_scolaire"].astype(str).to_numpy()
        perim = df["perimetre"].astype(str).to_numpy()
        terr = df["territoire_code"].astype(str).to_numpy()
        ind = df["indicateur"].astype(str).to_numpy()
        mod = df["modalite"].astype(str).to_numpy()
        unite = df["unite"].astype(str).to_numpy()
        num = pd.to_numeric(df["numerateur"], errors="coerce").to_numpy(dtype=float)
        den = pd.to_numeric(df["denominateur"], errors="coerce").to_numpy(dtype=float)

        # 1. One raw key per numerator and per base.
        cles: dict[tuple, int] = {}
        val: list[float] = []

        def cle(k: tuple, v: float) -> int:
            if k not in cles:
                cles[k] = len(val)
                val.append(v)
            return cles[k]

        kn = np.empty(n, dtype=np.int64)
        kd = np.full(n, -1, dtype=np.int64)
        for i in range(n):
            inst = (annee[i], perim[i], terr[i])
            kn[i] = cle(("n", *inst, ind[i], mod[i]), num[i])
            if unite[i] == "pct" and not np.isnan(den[i]):
                m = mod[i] if ind[i] in BASE_PAR_MODALITE else "*"
                kd[i] = cle(("d", *inst, ind[i], m), den[i])

        # 2. The same count shown by several indicators is one quantity (where equal).
        parent = list(range(len(val)))

        def racine(a: int) -> int:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        instances = sorted({(annee[i], perim[i], terr[i]) for i in range(n)})
        for inst in instances:
            for groupe in LIENS:
                membres = [cles.get((t, *inst, i_, m_)) for t, i_, m_ in groupe]
                membres = [m for m in membres if m is not None]
                for a, b in zip(membres, membres[1:], strict=False):
                    if val[a] == val[b]:
                        parent[racine(b)] = racine(a)
        ids: dict[int, int] = {}
        for k in range(len(val)):
            ids.setdefault(racine(k), len(ids))
        q_of = np.array([ids[racine(k)] for k in range(len(val))], dtype=np.int64)
        nq = len(ids)
        self.valeurs = np.zeros(nq)
        self.nord = np.zeros(nq, dtype=bool)
        self.jeunes = np.zeros(nq, dtype=bool)
        for k_tuple, k in cles.items():
            q = q_of[k]
            self.valeurs[q] = val[k]
            self.nord[q] = k_tuple[3] == NORD
            self.jeunes[q] |= k_tuple[4] not in NON_JEUNES
        self.rang_n = q_of[kn]
        self.rang_d = np.where(kd >= 0, q_of[np.maximum(kd, 0)], -1)
        self.lignes = [[] for _ in range(nq)]
        for i in range(n):
            self.lignes[self.rang_n[i]].append(i)
            if self.rang_d[i] >= 0:
                self.lignes[self.rang_d[i]].append(i)
        self.bornes = sorted(
            {
                (int(self.rang_n[i]), int(self.rang_d[i]))
                for i in range(n)
                if self.rang_d[i] >= 0 and self.rang_n[i] != self.rang_d[i]
            }
        )

        # 3. Equations, kept only where they hold on the exact data.
        equations: set[tuple[tuple[int, int], ...]] = set()

        def ajoute(termes: Iterable[tuple[tuple, int]]) -> None:
            acc: dict[int, int] = defaultdict(int)
            for k, c in termes:
                if k not in cles:
                    return
                acc[int(q_of[cles[k]])] += c
            eq = tuple(sorted((q, c) for q, c in acc.items() if c != 0))
            if len(eq) >= 2 and sum(c * self.valeurs[q] for q, c in eq) == 0:
                equations.add(eq)

        tables: dict[tuple, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        unites: dict[tuple, str] = {}
        for i in range(n):
            tables[(annee[i], perim[i], ind[i])][terr[i]].add(mod[i])
            unites[(annee[i], perim[i], ind[i])] = unite[i]
        for (a, p, i_), par_terr in tables.items():
            territoires = sorted(t for t in par_terr if t != NORD)
            modalites = sorted(set().union(*par_terr.values()))
            bases = sorted({"*"} if i_ not in BASE_PAR_MODALITE else set(modalites))
            if territoires and NORD in par_terr:
                for m in modalites:  # territories add up to the Nord
                    ajoute(
                        [(("n", a, p, t, i_, m), 1) for t in territoires]
                        + [(("n", a, p, NORD, i_, m), -1)]
                    )
                for m in bases:
                    ajoute(
                        [(("d", a, p, t, i_, m), 1) for t in territoires]
                        + [(("d", a, p, NORD, i_, m), -1)]
                    )
            if est_somme_des_modalites(i_, unites[(a, p, i_)]):
                for t in par_terr:  # modalities add up to their base
                    ajoute(
                        [(("n", a, p, t, i_, m), 1) for m in modalites]
                        + [(("d", a, p, t, i_, "*"), -1)]
                    )
        for a, p, t in instances:  # a single-valued group is the sum of its details
            for i_groupe, i_detail, groupe_de in REGROUPEMENTS:
                if i_groupe in MULTIVALUES:
                    continue
                for g, details in _par_groupe(groupe_de).items():
                    ajoute(
                        [(("n", a, p, t, i_detail, d_), 1) for d_ in details]
                        + [(("n", a, p, t, i_groupe, g), -1)]
                    )
        self.equations = [([q for q, _ in eq], [c for _, c in eq]) for eq in sorted(equations)]

        # 4. Inequalities Σ c·q ≤ 0, kept only where they hold on the exact data.
        inegalites: set[tuple[tuple[int, int], ...]] = set()

        def ajoute_ineg(termes: Iterable[tuple[tuple, int]]) -> None:
            acc: dict[int, int] = defaultdict(int)
            for k, c in termes:
                if k not in cles:
                    return
                acc[int(q_of[cles[k]])] += c
            ineg = tuple(sorted((q, c) for q, c in acc.items() if c != 0))
            if len(ineg) >= 2 and sum(c * self.valeurs[q] for q, c in ineg) <= 0:
                inegalites.add(ineg)

        for k in cles:  # ALSES ⊂ PS: an ALSES count is at most its PS count
            if k[2] == PERIMETRE_INCLUS:
                ajoute_ineg([(k, 1), ((k[0], k[1], PERIMETRE_ENGLOBANT, *k[3:]), -1)])
        for (a, p, i_), par_terr in tables.items():  # multi-valued: Σ modalities ≥ base
            if i_ in MULTIVALUES and unites[(a, p, i_)] == "pct":
                for t, mods in par_terr.items():
                    ajoute_ineg(
                        [(("d", a, p, t, i_, "*"), 1)]
                        + [(("n", a, p, t, i_, m), -1) for m in sorted(mods)]
                    )
        for a, p, t in instances:  # a multi-valued group: max(details) ≤ group ≤ Σ details
            for i_groupe, i_detail, groupe_de in REGROUPEMENTS:
                if i_groupe not in MULTIVALUES:
                    continue
                for g, details in _par_groupe(groupe_de).items():
                    n_g = ("n", a, p, t, i_groupe, g)
                    ajoute_ineg([(n_g, 1)] + [(("n", a, p, t, i_detail, d_), -1) for d_ in details])
                    for d_ in details:
                        ajoute_ineg([(("n", a, p, t, i_detail, d_), 1), (n_g, -1)])
        self.inegalites = [([q for q, _ in e], [c for _, c in e]) for e in sorted(inegalites)]

        # 5. The width the attacker's interval must keep: SEUIL, or less where the
        # département's own published count is smaller (a territory cannot exceed it).
        requis = np.full(nq, float(SEUIL))
        for k, raw in cles.items():
            if k[3] != NORD:
                k_nord = (k[0], k[1], k[2], NORD, *k[4:])
                if k_nord in cles:
                    q = q_of[raw]
                    requis[q] = min(requis[q], val[cles[k_nord]])
        self.requis = requis
        self._sensibles = self.primaires()[1]

    # -- suppression ------------------------------------------------------------------

    def masque_de(self, cachees: np.ndarray) -> np.ndarray:
        """Rows suppressed when the quantities `cachees` are hidden (every row showing one)."""
        masque = cachees[self.rang_n].copy()
        avec_base = self.rang_d >= 0
        masque[avec_base] |= cachees[self.rang_d[avec_base]]
        return masque

    def cachees_par(self, masque: np.ndarray) -> np.ndarray:
        """Quantities no published row shows."""
        visibles = np.zeros(len(self.valeurs), dtype=bool)
        visibles[self.rang_n[~masque]] = True
        avec_base = (~masque) & (self.rang_d >= 0)
        visibles[self.rang_d[avec_base]] = True
        return ~visibles

    def primaires(self) -> tuple[np.ndarray, np.ndarray]:
        """(small counts, sensitive 0 %/100 % numerators) as quantity masks."""
        v = self.valeurs
        petits = self.jeunes & ~self.nord & (v >= 1) & (v < SEUIL)
        sensibles = np.zeros(len(v), dtype=bool)
        df = self.cellules
        ind = df["indicateur"].astype(str).to_numpy()
        terr = df["territoire_code"].astype(str).to_numpy()
        cles = list(
            zip(
                df["annee_scolaire"].astype(str),
                df["perimetre"].astype(str),
                ind,
                df["modalite"].astype(str),
                strict=True,
            )
        )
        cles_nord = {cles[i]: i for i in np.flatnonzero(terr == NORD)}
        for i in np.flatnonzero(np.isin(ind, list(SENSIBLES)) & (terr != NORD)):
            qn, qd = self.rang_n[i], self.rang_d[i]
            if qd < 0 or v[qd] <= 0:
                continue
            j = cles_nord.get(cles[i])
            nn = v[self.rang_n[j]] if j is not None else None
            nd = v[self.rang_d[j]] if j is not None and self.rang_d[j] >= 0 else None
            if v[qn] == 0 and nn != 0:
                sensibles[qn] = True
            elif v[qn] == v[qd] and (nn is None or nn != nd):
                sensibles[qn] = True
        return petits, sensibles & ~petits

    def completer(self, cachees: np.ndarray) -> np.ndarray:
        """Secondary suppression: hide more quantities until the audit passes."""
        cachees = cachees.copy()
        par_q: list[list[int]] = [[] for _ in range(len(self.valeurs))]
        for e, (termes, _) in enumerate(self.equations):
            for q in termes:
                par_q[q].append(e)
        voisins_de: list[set[int]] = [set() for _ in range(len(self.valeurs))]
        for termes, _ in self.equations:
            for q in termes:
                voisins_de[q].update(termes)
        for a, b in self.bornes:
            voisins_de[a].add(b)
            voisins_de[b].add(a)
        for termes, _ in self.inegalites:
            for q in termes:
                voisins_de[q].update(termes)
        self.irreductibles = []
        # Hiding more only widens the attacker's intervals: a quantity seen wide
        # enough stays so, and is not solved again in the following rounds.
        sures = np.zeros(len(self.valeurs), dtype=bool)
        for _ in range(500):
            cachees = self._sans_inconnue_seule(cachees, par_q)
            masque = self.masque_de(cachees)
            etroites = self.audit(masque, sures=sures)
            sures |= self.cachees_par(masque)
            sures[[q for q, _, _ in etroites]] = False
            mauvaises = [
                (q, self.requis[q] - (hi - lo))
                for q, lo, hi in etroites
                if q not in self.irreductibles
            ]
            if not mauvaises:
                return cachees
            touchees: set[int] = set()
            for q, manque in mauvaises:
                if touchees & set(par_q[q]):
                    continue  # a complement chosen this round may already protect it
                # The quantities bound to it (equations, 0 ≤ n ≤ d), then theirs, …
                vus, frontiere, choix = {q}, {q}, None
                for _ in range(4):
                    frontiere = set().union(*(voisins_de[v] for v in frontiere)) - vus
                    vus |= frontiere
                    choix = self._meilleure(cachees, frontiere, par_q, manque)
                    if choix is not None or not frontiere:
                        break
                if choix is None:
                    # Nothing left to hide beside it: the published Nord itself pins it
                    # (e.g. a département of fewer than 10). Reported, never crashes.
                    self.irreductibles.append(q)
                    continue
                cachees[choix] = True
                touchees |= set(par_q[q]) | set(par_q[choix])
        raise RuntimeError("secret statistique : l'audit ne converge pas")

    def _meilleure(
        self,
        cachees: np.ndarray,
        candidats: Iterable[int],
        par_q: list[list[int]],
        manque: float = 0.0,
    ) -> int | None:
        """The complement to hide: the one that closes most equations left with a single
        hidden quantity and opens fewest new ones, then one whose count covers the
        width still missing (`manque`), then hides fewest rows, then the smallest
        non-zero count that covers it (else the largest)."""
        masque = self.masque_de(cachees)
        inconnues = self.cachees_par(masque)
        best, best_key = None, None
        for c in set(candidats):
            if inconnues[c] or self.nord[c] or not self.jeunes[c] or self.requis[c] <= 0:
                continue  # a count the département pins to 0 protects nothing
            cout = sum(1 for i in self.lignes[c] if not masque[i])
            bilan = 0
            for e in par_q[c]:
                u = sum(1 for q in self.equations[e][0] if inconnues[q])
                bilan += 1 if u == 1 else (-1 if u == 0 else 0)
            v = self.valeurs[c]
            court = v < manque
            key = (-bilan, court, cout, v == 0, -v if court else v, c)
            if best_key is None or key < best_key:
                best, best_key = c, key
        return best

    def _sans_inconnue_seule(self, cachees: np.ndarray, par_q: list[list[int]]) -> np.ndarray:
        """No equation may keep exactly one hidden quantity (it would be its difference)."""
        while True:
            inconnues = self.cachees_par(self.masque_de(cachees))
            ajout = False
            for termes, _ in self.equations:
                if sum(1 for q in termes if inconnues[q]) != 1:
                    continue
                choix = self._meilleure(cachees, termes, par_q)
                if choix is None:
                    continue  # the audit will say whether it is recomputable
                cachees[choix] = True
                inconnues = self.cachees_par(self.masque_de(cachees))
                ajout = True
            if not ajout:
                return cachees

    # -- audit ------------------------------------------------------------------------

    def audit(
        self,
        masque: np.ndarray,
        bornes_lues: dict[int, tuple[float, float]] | None = None,
        sures: np.ndarray | None = None,
    ) -> list[tuple[int, float, float]]:
        """Suppressed quantities whose interval is too narrow: (quantity, min, max).

        The attacker's integer programme: every published value, every equation and
        inequality of the plan, 0 ≤ numerator ≤ base, counts integer. Each hidden count
        of jeunes is minimised and maximised; its interval must span `requis` (SEUIL,
        or the département's own count when smaller). The linear relaxation first (its
        interval contains the integer one: narrower than required is a failure); the
        integer programme only where the relaxation's optimum is fractional and the
        integer points already seen do not show the width. `bornes_lues`: bounds the
        reader learns elsewhere ({quantity: (min, max)}, e.g. a printed reason).
        `sures`: quantities already seen wide enough under a pattern this one extends
        (hiding more only widens an interval): not solved again."""
        inconnues = self.cachees_par(masque)
        a_auditer = inconnues & self.jeunes
        if sures is not None:
            a_auditer &= ~sures
        if not a_auditer.any():
            return []
        contraintes = self._contraintes(inconnues)
        # A zero implied by a published zero (hidden terms of one sign adding up to a
        # published 0, or a count at most a published 0) discloses nothing the
        # published total does not already say: not flagged.
        zeros_publies: set[int] = set()
        for termes, coefs, rhs, egal in contraintes:
            if rhs == 0 and (all(c > 0 for c in coefs) or (egal and all(c < 0 for c in coefs))):
                zeros_publies.update(termes)
        parent = {q: q for q in np.flatnonzero(inconnues).tolist()}

        def racine(a: int) -> int:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for termes, _, _, _ in contraintes:
            for a, b in zip(termes, termes[1:], strict=False):
                parent[racine(b)] = racine(a)
        composantes: dict[int, list[int]] = defaultdict(list)
        for q in parent:
            composantes[racine(q)].append(q)
        par_comp: dict[int, list[int]] = defaultdict(list)
        for k, (termes, _, _, _) in enumerate(contraintes):
            par_comp[racine(termes[0])].append(k)
        resultat = []
        for r, qs in sorted(composantes.items()):
            # A component is fixed by its hidden quantities: solved once per pattern.
            signature = (
                frozenset(qs),
                frozenset(q for q in qs if a_auditer[q]),
                tuple(sorted((bornes_lues or {}).items())),
            )
            if signature in self._resolues:
                resultat.extend(self._resolues[signature])
                continue
            avant = len(resultat)
            resultat.extend(
                self._audit_composante(
                    qs,
                    [contraintes[k] for k in par_comp.get(r, [])],
                    a_auditer,
                    zeros_publies,
                    bornes_lues or {},
                )
            )
            self._resolues[signature] = resultat[avant:]
        return resultat

    def _contraintes(self, inconnues: np.ndarray) -> list[tuple[list[int], list[int], float, bool]]:
        """The plan's relations that touch a hidden quantity, with the published part
        moved to the right-hand side: (quantities, coefficients, rhs, is an equation);
        an inequality reads Σ c·q ≤ rhs."""
        v = self.valeurs
        if self._termes is None:
            # Relations as flat arrays (one entry per term): a round of the audit only
            # walks the relations that touch an unknown.
            relations = (
                self.equations + self.inegalites + [([qn, qd], [1, -1]) for qn, qd in self.bornes]
            )
            self._termes = (
                np.repeat(np.arange(len(relations)), [len(t) for t, _ in relations]),
                np.array([q for t, _ in relations for q in t], dtype=np.int64),
                np.array([c for _, cs in relations for c in cs], dtype=float),
                relations,
            )
        rel_id, rel_q, rel_c, relations = self._termes
        inc_terme = inconnues[rel_q]
        # Counts are integers: the published part of each relation sums exactly.
        rhs = -np.bincount(
            rel_id, weights=np.where(inc_terme, 0.0, rel_c * v[rel_q]), minlength=len(relations)
        )
        n_eq = len(self.equations)
        contraintes = []
        for e in np.unique(rel_id[inc_terme]).tolist():
            termes, coefs = relations[e]
            inc = [(q, c) for q, c in zip(termes, coefs, strict=True) if inconnues[q]]
            contraintes.append(([q for q, _ in inc], [c for _, c in inc], float(rhs[e]), e < n_eq))
        return contraintes

    def _audit_composante(self, qs, contraintes, a_auditer, zeros_publies, bornes_lues) -> list:
        v = self.valeurs
        index = {q: j for j, q in enumerate(qs)}
        a_eq, b_eq, a_ub, b_ub = [], [], [], []
        for termes, coefs, rhs, egal in contraintes:
            ligne = np.zeros(len(qs))
            for q, c in zip(termes, coefs, strict=True):
                ligne[index[q]] += c
            (a_eq if egal else a_ub).append(ligne)
            (b_eq if egal else b_ub).append(rhs)
        lp = _Programme(len(qs), a_eq, b_eq, a_ub, b_ub, [bornes_lues.get(q) for q in qs])
        # Integer points seen so far (the exact values first, then each integral
        # optimum): a quantity already seen to vary by its required width needs no LP.
        exact = np.array([v[q] for q in qs])
        bas_vus, hauts_vus = exact.copy(), exact.copy()

        def vu(x: np.ndarray) -> None:
            if np.all(np.abs(x - np.round(x)) < 1e-7):
                np.minimum(bas_vus, np.round(x), out=bas_vus)
                np.maximum(hauts_vus, np.round(x), out=hauts_vus)

        resultat = []
        for q in qs:
            j = index[q]
            requis = self.requis[q]
            if not a_auditer[q] or requis <= 0 or hauts_vus[j] - bas_vus[j] >= requis - 1e-6:
                continue
            haut = lp.optimum(j, maximiser=True)
            if haut is None:
                continue  # unbounded above
            hi, x = haut
            vu(x)
            if hauts_vus[j] - bas_vus[j] >= requis - 1e-6:
                continue
            lo, x = lp.optimum(j, maximiser=False)
            vu(x)
            if hi - lo >= requis - 1e-6:
                # The relaxation leaves room: the integer programme decides, on the
                # side(s) the integer points seen do not reach.
                if hauts_vus[j] < np.floor(hi + 1e-7):
                    hi, x = lp.optimum(j, maximiser=True, entier=True)
                    vu(x)
                if bas_vus[j] > np.ceil(lo - 1e-7):
                    lo, x = lp.optimum(j, maximiser=False, entier=True)
                    vu(x)
                hi, lo = max(hi, hauts_vus[j]), min(lo, bas_vus[j])
            if hi - lo < requis - 1e-6 and not (hi <= 1e-9 and q in zeros_publies):
                resultat.append((q, float(lo), float(hi)))
        return resultat


class _Programme:
    """One component's linear programme in HiGHS (highspy), built once and re-solved
    for each objective from the previous optimal basis (a warm start): the audit solves
    hundreds of small LPs over the same constraints. Variables are >= 0; `entier`
    solves the integer programme (the same model, integrality set for that solve)."""

    def __init__(self, n: int, a_eq, b_eq, a_ub, b_ub, bornes=None) -> None:
        import highspy

        self._hs = highspy
        self._h = h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        self._statuts = highspy.HighsModelStatus
        inf = highspy.kHighsInf
        bas_x, haut_x = np.zeros(n), np.full(n, inf)
        for j, b in enumerate(bornes or []):
            if b is not None:
                bas_x[j], haut_x[j] = b
        h.addVars(n, bas_x, haut_x)
        lignes = list(a_eq) + list(a_ub)
        if lignes:
            a = np.array(lignes)
            bas = np.concatenate([np.asarray(b_eq, dtype=float), np.full(len(a_ub), -inf)])
            haut = np.concatenate([np.asarray(b_eq, dtype=float), np.asarray(b_ub, dtype=float)])
            lig, col = np.nonzero(a)
            debuts = np.searchsorted(lig, np.arange(len(lignes))).astype(np.int32)
            h.addRows(len(lignes), bas, haut, len(lig), debuts, col.astype(np.int32), a[lig, col])
        self._n = n

    def _integrite(self, entier: bool) -> None:
        types = self._hs.HighsVarType
        t = types.kInteger if entier else types.kContinuous
        self._h.changeColsIntegrality(
            self._n, np.arange(self._n, dtype=np.int32), np.full(self._n, t)
        )

    def optimum(
        self, j: int, maximiser: bool, entier: bool = False
    ) -> tuple[float, np.ndarray] | None:
        """(optimal value of variable j, optimal point); None when unbounded."""
        h, statuts = self._h, self._statuts
        h.changeColCost(j, -1.0 if maximiser else 1.0)
        if entier:
            self._integrite(True)
        h.run()
        statut = h.getModelStatus()
        x = np.asarray(h.getSolution().col_value, dtype=float)
        h.changeColCost(j, 0.0)
        if entier:
            self._integrite(False)
        if statut == statuts.kInfeasible:
            raise RuntimeError("secret statistique : contraintes incohérentes (audit)")
        if statut in (statuts.kUnbounded, statuts.kUnboundedOrInfeasible):
            # The exact values are a feasible point: "or infeasible" cannot be.
            return None
        if statut != statuts.kOptimal:
            raise RuntimeError(
                f"secret statistique : audit non résolu ({h.modelStatusToString(statut)})"
            )
        return float(x[j]), x


def _motifs(plan: Plan, cachees: np.ndarray, petits: np.ndarray, sensibles: np.ndarray):
    masque = plan.masque_de(cachees)
    motif = np.full(len(masque), None, dtype=object)
    for i in np.flatnonzero(masque):
        qs = [plan.rang_n[i]] + ([plan.rang_d[i]] if plan.rang_d[i] >= 0 else [])
        if any(petits[q] for q in qs):
            motif[i] = MOTIF_PRIMAIRE
        elif any(sensibles[q] for q in qs):
            motif[i] = MOTIF_SENSIBLE
        else:
            motif[i] = MOTIF_SECONDAIRE
    return masque, motif


def appliquer_secret(cellules: pd.DataFrame) -> pd.DataFrame:
    """The cells as the public may see them: `secret_statistique` says which are
    suppressed and why; the figures of a suppressed cell are blanked (see module doc).

    Pass every row of the years wanted *and of the year before*: `valeur_n_1` of a
    territory row whose previous year is not in the input is blanked, since its
    suppression cannot be known."""
    out = cellules.copy()
    if out.empty:
        out["secret_statistique"] = pd.Series(dtype=object)
        return out
    plan = Plan(cellules.reset_index(drop=True))
    petits, sensibles = plan.primaires()
    cachees = plan.completer(petits | sensibles)
    _, motif = _motifs(plan, cachees, petits, sensibles)
    return masquer(cellules, pd.Series(list(motif), index=cellules.index, dtype=object))


def secret_enregistre(con, cellules: pd.DataFrame) -> pd.DataFrame:
    """`cellules` (rows of marts.indicateurs) as the public may see them, under the
    suppression recorded in marts.secret_statistique: the one pattern every public output
    shares (the report, the territory sheets, the open data), so that no two outputs
    publish complementary cells. Computed afresh only when none is recorded."""
    recorded = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'secret_statistique'"
    ).fetchone()[0]
    if not recorded:
        return appliquer_secret(cellules)
    secret = con.execute(
        f"select {', '.join(CLES)}, secret_statistique from marts.secret_statistique"
    ).df()
    keys = cellules[CLES].astype(str).merge(secret.astype(str), on=CLES, how="left")
    motif = keys["secret_statistique"].where(keys["secret_statistique"].notna(), None)
    return masquer(cellules, pd.Series(list(motif), index=cellules.index, dtype=object))


def masquer(cellules: pd.DataFrame, secret: pd.Series) -> pd.DataFrame:
    """The cells with the reasons `secret` (None: published) as column
    `secret_statistique`, the figures of suppressed cells blanked, and the previous
    year blanked where its own cell is suppressed (or not in `cellules`)."""
    out = cellules.copy()
    out["secret_statistique"] = secret.astype(object).where(secret.notna(), None)
    masque = secret.notna().to_numpy()
    for col in MASQUEES:
        if col in out.columns:
            out[col] = out[col].astype(_nullable(out[col].dtype))
            out.loc[masque, col] = pd.NA if out[col].dtype != float else np.nan
    supprimees = {
        tuple(r) for r in cellules.loc[masque, CLES].astype(str).itertuples(index=False, name=None)
    }
    annees = set(cellules["annee_scolaire"].astype(str))
    precedente = {a: _annee_precedente(a) for a in annees}
    n_1 = np.array(
        [
            (precedente[a], p, t, i_, m) in supprimees
            or (precedente[a] not in annees and t != NORD)
            for a, p, t, i_, m in cellules[CLES].astype(str).itertuples(index=False, name=None)
        ],
        dtype=bool,
    )
    n_1 &= ~masque
    for col in ("valeur_n_1", "evolution_points"):
        if col in out.columns:
            out.loc[n_1, col] = np.nan
    if "rang" in out.columns and masque.any():
        out["rang"] = rangs_publics(out)
    return out


def rangs_publics(publiques: pd.DataFrame) -> pd.Series:
    """`rang` among the published modalities only: below the département, a modality's
    rank within its territory counts no suppressed cell (a rank that did would say how
    many suppressed cells lie between two published ones). Same order as
    marts.indicateurs (share descending, ties share a rank); rows without a rank keep
    none. The département's ranks are unchanged (nothing is suppressed there)."""
    classees = publiques["rang"].notna() & publiques["valeur"].notna()
    groupe = [publiques[c].astype(str) for c in CLES[:4]]
    valeurs = pd.to_numeric(publiques["valeur"], errors="coerce").where(classees)
    rang = valeurs.groupby(groupe).rank(method="min", ascending=False)
    return rang.where(classees).astype("Int64").astype(publiques["rang"].dtype)


def _nullable(dtype) -> object:
    if pd.api.types.is_float_dtype(dtype):
        return dtype
    if pd.api.types.is_integer_dtype(dtype):
        return "Int64" if "Int" not in str(dtype) else dtype
    return dtype


def _annee_precedente(annee: str) -> str:
    try:
        debut = int(annee[:4])
    except ValueError:
        return ""
    return f"{debut - 1}-{debut}"


def auditer(
    exactes: pd.DataFrame, publiees: pd.DataFrame, motifs_lus: bool = False
) -> pd.DataFrame:
    """The attacker's integer programme on a published table, against the exact cells.

    `publiees` has the key columns and `numerateur` (missing where suppressed), for
    instance read back from the open-data files of a year. Returns one line per
    suppressed cell whose numerator the published figures confine to an interval
    narrower than the rule (`Plan.requis`), with that interval (empty: the pattern is
    safe). `motifs_lus`: the file prints each cell's reason (`secret_statistique`), and
    the reader uses it: a cell « effectif inférieur à 10 » whose base is published (or
    without base) has a numerator of 1 to SEUIL - 1. Raises when a published figure
    differs from the exact one or a small count shows.
    """
    exactes = exactes.reset_index(drop=True)
    plan = Plan(exactes)
    pub = publiees.copy()
    pub["_publie"] = pub["numerateur"].notna()
    cles = exactes[CLES].astype(str)
    pub[CLES] = pub[CLES].astype(str)
    colonnes = [*CLES, "_publie", "numerateur"]
    if motifs_lus:
        colonnes.append("secret_statistique")
    joint = cles.merge(pub[colonnes], on=CLES, how="left")
    if joint["_publie"].isna().any():
        manque = joint[joint["_publie"].isna()].head(3)
        raise ValueError(f"cellules absentes de la publication : {manque.to_dict('records')}")
    masque = ~joint["_publie"].astype(bool).to_numpy()
    visibles = ~masque
    ecart = visibles & (
        pd.to_numeric(joint["numerateur"]).to_numpy(dtype=float)
        != pd.to_numeric(exactes["numerateur"]).to_numpy(dtype=float)
    )
    if ecart.any():
        raise ValueError("un numérateur publié diffère de la valeur exacte")
    petits, _ = plan.primaires()
    inconnues = plan.cachees_par(masque)
    if (petits & ~inconnues).any():
        raise ValueError(f"un effectif de 1 à {SEUIL - 1} est publié sous le département")
    bornes_lues: dict[int, tuple[float, float]] = {}
    if motifs_lus:
        for i in np.flatnonzero(joint["secret_statistique"].to_numpy() == MOTIF_PRIMAIRE):
            qd = plan.rang_d[i]
            if qd < 0 or not inconnues[qd]:
                bornes_lues[int(plan.rang_n[i])] = (1.0, float(SEUIL - 1))
    etroites = {q: (lo, hi) for q, lo, hi in plan.audit(masque, bornes_lues)}
    lignes = []
    for i in np.flatnonzero(masque):
        q = int(plan.rang_n[i])
        if q in etroites:
            lo, hi = etroites[q]
            lignes.append({**exactes.loc[i, CLES].to_dict(), "min": lo, "max": hi})
    return pd.DataFrame(lignes, columns=[*CLES, "min", "max"])


def bilan(resultat: pd.DataFrame, catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Suppressed cells by reason (and by family when the catalogue is given)."""
    df = resultat[resultat["secret_statistique"].notna()]
    if catalogue is not None:
        df = df.merge(catalogue[["indicateur", "famille"]].drop_duplicates(), on="indicateur")
        return (
            df.groupby(["famille", "secret_statistique"]).size().unstack(fill_value=0).reset_index()
        )
    return df.groupby("secret_statistique").size().reset_index(name="cellules")
