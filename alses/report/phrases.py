"""The sentences of the report, computed from the marts: each names the population of
the indicator's denominator (catalogue column `population`), says what is notable and
stays silent on what is within the noise (tests at 5 %, Holm-corrected)."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from alses.comparaisons import CRITIQUE
from alses.report import ecarts
from alses.report.data import Ligne, ReportData
from alses.report.formats import nombre, pct, points
from alses.territoires import DEPARTEMENT

#: The modality a territory chart and sentence look at, where it is not the first one.
FOCUS = {
    "sexe": "F",
    "configuration_familiale": "MONOPARENTALE",
    "partenaires_territoire": "SUR_TERRITOIRE",
    "mobilisation": "FAMILLE",
}


def num(text: str, row, champ: str) -> Markup:
    """A number printed in the report, tagged with the mart cell it comes from."""
    src = "|".join(
        [row["perimetre"], row["territoire_code"], row["indicateur"], row["modalite"], champ]
    )
    return Markup('<span class="n" data-src="{}">{}</span>').format(src, text)


def fmt(row, champ: str) -> str:
    value = row[champ] if champ in row else None
    if champ in ("numerateur", "denominateur", "grappes"):
        return nombre(value)
    if champ in ("evolution_points", "ecart_points"):
        return points(value)
    if row.get("unite") == "nombre" and champ in ("valeur", "valeur_n_1"):
        return nombre(value)
    return pct(value)


def cell(row, champ: str) -> Markup:
    return num(fmt(row, champ), row, champ)


def lib(label: str) -> Markup:
    return Markup("«\u00a0{}\u00a0»").format(label)


def pop(data: ReportData, ind: str) -> Markup:
    """The denominator population of the indicator, as the catalogue names it."""
    return Markup('<span class="pop" data-ind="{}">{}</span>').format(ind, data.population(ind))


def _ok(v) -> bool:
    return v is not None and not pd.isna(v)


def _publiable(row) -> bool:
    return row is not None and _ok(row["valeur"]) and not _ok(row.get("secret_statistique"))


def focus(data: ReportData, ind: str) -> str | None:
    nord = data.cells(ind)
    if ind in FOCUS and (nord.modalite == FOCUS[ind]).any():
        return FOCUS[ind]
    ranked = nord[nord.rang.notna()].sort_values(["rang", "modalite_ordre"])
    return None if ranked.empty else str(ranked.iloc[0].modalite)


def principale(data: ReportData, ind: str, k: int) -> Markup | None:
    """The first modality (département, ALSES), with the second one."""
    nord = data.cells(ind)
    ranked = nord[nord.rang.notna()].sort_values(["rang", "modalite_ordre"])
    if ranked.empty:
        return None
    top = ranked.iloc[0]
    chiffres = Markup("{} {} ({} sur {})").format(
        cell(top, "valeur"), pop(data, ind), cell(top, "numerateur"), cell(top, "denominateur")
    )
    if len(nord) == 1:  # a yes/no indicator: its title says what is counted
        return Markup("{}\u00a0: {}.").format(data.libelle(ind), chiffres)
    modeles = [
        "{lib} arrive en tête\u00a0: {chiffres}",
        "La modalité la plus fréquente est {lib}, avec {chiffres}",
        "En tête vient {lib}\u00a0: {chiffres}",
        "{lib} concerne {chiffres}\u00a0; c'est la première modalité",
    ]
    phrase = Markup(modeles[k % len(modeles)]).format(
        lib=lib(top.modalite_libelle), chiffres=chiffres
    )
    if len(ranked) > 1:
        second = ranked.iloc[1]
        phrase += Markup(", devant {} ({})").format(
            lib(second.modalite_libelle), cell(second, "valeur")
        )
    return phrase + Markup(".")


def ecart_ps(data: ReportData, ind: str, modalite: str):
    """How the ALSES share compares with the rest of the Prévention Spécialisée (PS
    minus ALSES), from the mart's test: "supérieur", "inférieur", None (no significant
    gap), or False when either share is not published."""
    a = data.cell(ind, modalite)
    p = data.cell(ind, modalite, "PS")
    t = data.test(ind, modalite)
    if not (_publiable(a) and _publiable(p)) or t is None or not _ok(t.ps_p_valeur):
        return False
    return t.ps_sens if t.ps_sens in ("supérieur", "inférieur") else None


def base_jeunes(data: ReportData, ind: str, modalite: str) -> Markup:
    """« n jeunes »: the jeunes of the share's base (Nord, ALSES), tagged."""
    t = data.test(ind, modalite)
    return Markup("{} jeunes").format(num(nombre(t.grappes), t, "grappes"))


def face_ps(data: ReportData, ind: str, modalite: str) -> Markup | None:
    """ALSES against the rest of the Prévention Spécialisée (PS minus ALSES)."""
    sens = ecart_ps(data, ind, modalite)
    if sens is False:
        return None
    a = data.cell(ind, modalite)
    p = data.cell(ind, modalite, "PS")
    if sens is None:
        return Markup(
            "Pour {}, cette part ({} {}) et celle de l'ensemble de la Prévention Spécialisée "
            "({}) : écart non significatif (base : {})."
        ).format(
            lib(a.modalite_libelle),
            cell(a, "valeur"),
            pop(data, ind),
            cell(p, "valeur"),
            base_jeunes(data, ind, modalite),
        )
    verdict = (
        "plus élevée que pour l'ensemble de la Prévention Spécialisée"
        if sens == "supérieur"
        else "plus faible que pour l'ensemble de la Prévention Spécialisée"
    )
    return Markup("Pour {}, cette part ({} {}) est {} ({}).").format(
        lib(a.modalite_libelle), cell(a, "valeur"), pop(data, ind), verdict, cell(p, "valeur")
    )


def evolution(data: ReportData, ind: str) -> Markup | None:
    """The largest change since the previous year, only when the mart's year-on-year
    test (clustered by jeune, Holm across the modalities) finds it significant."""
    if data.annee_precedente is None:
        return None
    sig = []
    for r in (Ligne(x) for x in data.cells(ind).to_dict("records")):
        prev = data.cell_precedente(ind, r.modalite)
        t = data.test(ind, r.modalite)
        if not (_publiable(r) and _publiable(prev)) or not _ok(r.evolution_points):
            continue
        if t is not None and _ok(t.evolution_significative) and bool(t.evolution_significative):
            sig.append(r)
    if not sig:
        return None
    r = max(sig, key=lambda x: abs(x.evolution_points))
    sens = "hausse" if r.evolution_points > 0 else "baisse"
    return Markup("{} passe de {} à {} {} entre {} et {}, une {} significative de {}.").format(
        lib(r.modalite_libelle),
        cell(r, "valeur_n_1"),
        cell(r, "valeur"),
        pop(data, ind),
        data.annee_precedente,
        data.annee,
        sens,
        num(points(r.evolution_points, signe=False), r, "evolution_points"),
    )


def territoires(data: ReportData, ind: str) -> Markup | None:
    """The section's territorial reading: the territories whose share differs
    significantly from the rest of the Nord (any modality; two per territory at most,
    one for a yes/no or two-modality indicator, whose gaps mirror each other), by how
    much and on which base; nothing when nothing differs. « Douai (base : 157 jeunes) :
    « En couple » 31,2 % des …, contre 44,8 % dans le reste du Nord (−13,6 points) »."""
    par = 1 if len(data.cells(ind)) <= 2 else 2
    groupes = ecarts.par_territoire(ecarts.ecarts(data, ind), par)
    if not groupes:
        return None
    phrases_ = []
    for gaps in groupes.values():
        details = [
            Markup("{} {}{}, contre {} dans le reste du Nord ({})").format(
                lib(e.modalite_libelle),
                cell(e.cellule, "valeur"),
                Markup(" ") + pop(data, ind) if not phrases_ and i == 0 else "",
                num(pct(e.test.reste_valeur), e.test, "reste_valeur"),
                num(points(e.points), e.test, "ecart_points"),
            )
            for i, e in enumerate(gaps)
        ]
        e = gaps[0]
        phrases_.append(
            Markup("{} (base\u00a0: {} jeunes)\u00a0: {}").format(
                e.territoire_libelle,
                num(nombre(e.test.grappes), e.test, "grappes"),
                Markup(" et ").join(details),
            )
        )
    return Markup("Écarts significatifs au reste du Nord\u00a0: {}.").format(
        Markup("\u00a0; ").join(phrases_)
    )


def _devant(data: ReportData, ind: str, t: str, premiere, autre) -> bool:
    """Whether `premiere` leads `autre` in territory t beyond the sampling error: the
    difference of two shares of one distribution, on the jeunes of its base (a
    conservative base when a jeune brings several units), at 5 %."""
    test = data.test(ind, premiere.modalite, territoire=t)
    n = test.grappes if test is not None and _ok(test.grappes) else premiere.denominateur
    p1, p2 = premiere.valeur / 100, autre.valeur / 100
    var = (p1 + p2 - (p1 - p2) ** 2) / n if n else 0
    return var > 0 and (p1 - p2) / var**0.5 > CRITIQUE


def premiere_partout(data: ReportData, ind: str) -> Markup | None:
    """Whether the first modality of the département is also first in every territory;
    a territory is named only where another modality leads it beyond the sampling
    error (a tie or a near tie says nothing)."""
    top = data.cells(ind)
    top = top[top.rang == 1]
    if top.empty or len(data.cells(ind)) < 3:
        return None
    code = top.iloc[0].modalite
    terr = data.by_territory(ind)
    if terr.secret_statistique.notna().any():
        return None  # a suppressed cell might rank first: say nothing
    autres = []
    for t in sorted(set(terr.territoire_code) - {DEPARTEMENT}):
        first = terr[(terr.territoire_code == t) & (terr.rang == 1)]
        if first.empty:
            return None  # a territory's figures are not published: say nothing
        if code in set(first.modalite):
            continue
        tete = Ligne(first.iloc[0].to_dict())
        meme = data.cell(ind, code, territoire=t)
        if _publiable(tete) and _publiable(meme) and _devant(data, ind, t, tete, meme):
            autres.append(
                Markup("{} : {} {}, contre {} pour {}").format(
                    tete.territoire_libelle,
                    lib(tete.modalite_libelle),
                    cell(tete, "valeur") + (Markup(" ") + pop(data, ind) if not autres else ""),
                    cell(meme, "valeur"),
                    lib(top.iloc[0].modalite_libelle),
                )
            )
    if not autres:
        return None
    return (
        Markup("Une autre modalité passe nettement en tête : ")
        + Markup(" ; ").join(autres)
        + Markup(".")
    )


def phrases(data: ReportData, ind: str, k: int, avec_territoires: bool) -> list[Markup]:
    out = [principale(data, ind, k)]
    f = focus(data, ind)
    if f is not None:
        if data.has(ind, "PS"):
            out.append(face_ps(data, ind, f))
        out.append(evolution(data, ind))
        if avec_territoires:
            out.append(territoires(data, ind))
            out.append(premiere_partout(data, ind))
    return [p for p in out if p is not None]
