{#-
  PostgreSQL implementations of the portable macros (dispatch: `postgres__` is chosen
  before `default__` on dbt-postgres; `duckdb__` stays in portable.sql). Issue 13.
-#}

{#
  Label matching: case, accents and repeated spaces ignored, like DuckDB's strip_accents
  (which removes combining marks: œ and æ stay). `translate` needs no extension (the
  `unaccent` extension maps œ to oe, which strip_accents does not).
#}
{% macro postgres__normalize_label(expr) -%}
    lower(regexp_replace(translate(trim({{ expr }}),
        'àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŸ',
        'aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUYY'), '\s+', ' ', 'g'))
{%- endmacro %}
