"""The pseudonymous key of a jeune: HMAC-SHA256 of the BDC `usager_id` under a secret.

The secret comes from ALSES_PSEUDO_SECRET and is used here only, in Python, while a drop
is loaded (alses/extract.py): the keys are written to `raw.cles_jeunes` and the staging
models read them from there. The secret never appears in SQL text, dbt's compiled SQL or
artifacts, logs, or the warehouse (tests/test_hostile_run.py looks for it).

A run without the secret stops before loading anything unless every drop is a demo
year (alses/settings.py, the demo rule): the demo years use the documented demo secret
below (their keys can be recomputed by anyone, which does not matter for synthetic
jeunes), and that secret never keys a real year. See docs/contrat_bdc.md for what rotating
the secret does.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from alses.settings import is_demo

ENV = "ALSES_PSEUDO_SECRET"
#: The demo drops' secret, documented: never for real data.
DEMO_SECRET = "alses-demo-secret-not-for-real-data"
MIN_LENGTH = 16


class SecretError(Exception):
    """No usable pseudonymisation secret: nothing is loaded."""


def pseudo_secret(bdc_dir: Path) -> str:
    """The secret for the drops under `bdc_dir`, or a French error saying how to set it."""
    secret = os.environ.get(ENV, "")
    if secret == DEMO_SECRET and not is_demo(bdc_dir):
        raise SecretError(
            f"{ENV} vaut le secret publié des données de démonstration : il ne peut pas "
            f"servir à un vrai export (n'importe qui recalculerait les clés des jeunes). "
            f"Rien n'a été chargé depuis {bdc_dir}. Choisissez un secret à vous, d'au moins "
            f"{MIN_LENGTH} caractères (voir README, « Pour les coordinateurs et "
            "l'exploitation »)."
        )
    if not secret:
        if is_demo(bdc_dir):
            return DEMO_SECRET
        raise SecretError(
            f"{ENV} n'est pas défini : la clé pseudonyme des jeunes ne peut pas être "
            f"calculée, rien n'a été chargé depuis {bdc_dir}. Définissez un secret d'au moins "
            f"{MIN_LENGTH} caractères, gardé hors du dépôt de code et toujours le même d'une "
            f"année sur l'autre, par exemple :\n  export {ENV}=\"$(python3 -c 'import "
            "secrets; print(secrets.token_urlsafe(32))')\"\npuis relancez (voir README, "
            "« Pour les coordinateurs et l'exploitation »)."
        )
    if len(secret) < MIN_LENGTH:
        raise SecretError(
            f"{ENV} est trop court ({len(secret)} caractères ; au moins {MIN_LENGTH}) : un "
            "secret court se devine et permettrait de retrouver les jeunes derrière leurs "
            "clés. Choisissez un secret plus long (voir README)."
        )
    return secret


def jeune_key(secret: str, usager_id: str) -> str:
    """The jeune's pseudonymous key: 64 hexadecimal characters."""
    return hmac.new(secret.encode(), usager_id.encode(), hashlib.sha256).hexdigest()
