"""The age modalities and classes are written once, with their bounds, in the seed
(alses/ages.py): they partition the ages, and the disclosure code's sums are theirs."""

from __future__ import annotations

from alses.ages import ages_de_chaque_classe, bornes
from alses.contract import AGE_MAX, AGE_MIN


def _modalite(indicateur: str, age: int) -> list[str]:
    return [
        m
        for m, (lo, hi) in bornes(indicateur).items()
        if (lo is None or age >= lo) and (hi is None or age <= hi)
    ]


def test_every_age_the_contract_admits_has_one_modality_and_one_class():
    for age in range(AGE_MIN, AGE_MAX + 1):
        assert len(_modalite("age", age)) == 1, age
        assert len(_modalite("classe_age", age)) == 1, age


def test_each_age_modality_is_in_one_class():
    classes = ages_de_chaque_classe()
    details = [a for ages in classes.values() for a in ages]
    assert sorted(details) == sorted(bornes("age")), classes


def test_the_disclosure_sums_of_the_age_classes_are_the_seeds():
    from alses.disclosure import REGROUPEMENTS

    ecrites = {
        (g, d): groupe_de for g, d, groupe_de in REGROUPEMENTS if (g, d) == ("classe_age", "age")
    }
    sommes: dict[str, list[str]] = {}
    for age, classe in ecrites[("classe_age", "age")].items():
        sommes.setdefault(classe, []).append(age)
    assert {c: sorted(a) for c, a in sommes.items()} == {
        c: sorted(a) for c, a in ages_de_chaque_classe().items()
    }
