{#-
  The pseudonymous key of a jeune is computed at extraction (alses/pseudonym.py:
  HMAC-SHA256 of the usager_id under ALSES_PSEUDO_SECRET) and stored in raw.cles_jeunes.
  dbt only looks it up: the secret never enters a model, compiled SQL, an artifact or a
  log. The lookup column is named usager_id_bdc so that `expr` (an unqualified
  `usager_id` in the calling model) binds to the caller's row, not to the lookup table.
-#}
{% macro jeune_key(expr) -%}
    (
        select cles.jeune_key from {{ source('bdc', 'cles_jeunes') }} as cles
        where cles.usager_id_bdc = {{ expr }}
    )
{%- endmacro %}
