"""The sentences of the report, computed from the marts: each names the population of
the indicator's denominator (catalogue column `population`), says what is notable and
stays silent on what is within the noise (tests at 5 %, Holm-corrected)."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from alses.comparaisons import ALPHA, holm, z_deux_proportions
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
    if champ in ("numerateur", "denominateur"):
        return nombre(value)
    if champ == "evolution_points":
        return points(value)
    if row["unite"] == "nombre" and champ in ("valeur", "valeur_n_1"):
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
    minus ALSES): "supérieur", "inférieur", None (no significant gap), or False when
    either share is not published."""
    a = data.cell(ind, modalite)
    p = data.cell(ind, modalite, "PS")
    if not (_publiable(a) and _publiable(p)):
        return False
    _, pv = z_deux_proportions(
        int(a.numerateur),
        int(a.denominateur),
        int(p.numerateur - a.numerateur),
        int(p.denominateur - a.denominateur),
    )
    if pd.isna(pv) or pv >= ALPHA:
        return None
    return "supérieur" if a.valeur > p.valeur else "inférieur"


def face_ps(data: ReportData, ind: str, modalite: str) -> Markup | None:
    """ALSES against the rest of the Prévention Spécialisée (PS minus ALSES)."""
    sens = ecart_ps(data, ind, modalite)
    if sens is False:
        return None
    a = data.cell(ind, modalite)
    p = data.cell(ind, modalite, "PS")
    if sens is None:
        verdict = "proche de celle de l'ensemble de la Prévention Spécialisée"
    elif sens == "supérieur":
        verdict = "plus élevée que pour l'ensemble de la Prévention Spécialisée"
    else:
        verdict = "plus faible que pour l'ensemble de la Prévention Spécialisée"
    return Markup("Pour {}, cette part ({} {}) est {} ({}).").format(
        lib(a.modalite_libelle), cell(a, "valeur"), pop(data, ind), verdict, cell(p, "valeur")
    )


def evolution(data: ReportData, ind: str) -> Markup | None:
    """The largest change since the previous year, only when it is significant."""
    if data.annee_precedente is None:
        return None
    nord = data.cells(ind)
    tests = []
    for r in (Ligne(x) for x in nord.to_dict("records")):
        prev = data.cell_precedente(ind, r.modalite)
        if not (_publiable(r) and _publiable(prev)) or not _ok(r.evolution_points):
            continue
        _, pv = z_deux_proportions(
            int(r.numerateur), int(r.denominateur), int(prev.numerateur), int(prev.denominateur)
        )
        tests.append((r, pv))
    if not tests:
        return None
    p_holm = holm(pd.Series([pv for _, pv in tests]))
    sig = [(r, ph) for (r, _), ph in zip(tests, p_holm, strict=True) if ph < ALPHA]
    if not sig:
        return None
    r = max(sig, key=lambda t: abs(t[0].evolution_points))[0]
    sens = "hausse" if r.evolution_points > 0 else "baisse"
    return Markup("{} passe de {} à {} {} entre {} et {}, une {} de {}.").format(
        lib(r.modalite_libelle),
        cell(r, "valeur_n_1"),
        cell(r, "valeur"),
        pop(data, ind),
        data.annee_precedente,
        data.annee,
        sens,
        num(points(r.evolution_points, signe=False), r, "evolution_points"),
    )


def territoires(data: ReportData, ind: str, modalite: str) -> Markup | None:
    """Territories significantly above or below the rest of the Nord (Holm)."""
    comp = data.comparaison(ind)
    comp = comp[(comp.modalite == modalite) & comp.territoire_code.ne(DEPARTEMENT)]
    comp = comp[comp.secret_statistique.isna() & comp.est_significatif.fillna(False).astype(bool)]
    nord = data.cell(ind, modalite)
    if nord is None or not _publiable(nord):
        return None
    if comp.empty:
        return Markup(
            "Pour {}, aucun territoire ne s'écarte significativement du reste du Nord."
        ).format(lib(nord.modalite_libelle))
    parts = []
    for i, r in enumerate(comp.sort_values("valeur", ascending=False).itertuples()):
        row = data.cell(ind, modalite, territoire=r.territoire_code)
        sens = "au-dessus" if r.sens == "supérieur" else "en dessous"
        chiffre = cell(row, "valeur") + (Markup(" ") + pop(data, ind) if i == 0 else Markup(""))
        parts.append(Markup("{} {} ({})").format(r.territoire_libelle, sens, chiffre))
    return Markup(
        "Par rapport au reste du Nord, écarts significatifs pour {} (Nord\u00a0: {})\u00a0: {}."
    ).format(lib(nord.modalite_libelle), cell(nord, "valeur"), Markup(", ").join(parts))


def premiere_partout(data: ReportData, ind: str) -> Markup | None:
    """Whether the first modality of the département is first in every territory."""
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
        if code not in set(first.modalite):
            autres.append(
                Markup("{} ({})").format(
                    first.iloc[0].territoire_libelle, lib(first.iloc[0].modalite_libelle)
                )
            )
    if not autres:
        return Markup("{} est aussi la première modalité dans chacun des sept territoires.").format(
            lib(top.iloc[0].modalite_libelle)
        )
    return (
        Markup("La première modalité n'est pas la même partout\u00a0: ")
        + Markup(", ").join(autres)
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
            out.append(territoires(data, ind, f))
            out.append(premiere_partout(data, ind))
    return [p for p in out if p is not None]
