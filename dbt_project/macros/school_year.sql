{# First and last day of the school year `expr` (`2021-2022`), and 1 January inside it. #}
{% macro annee_debut(expr) -%}
    cast(cast(left({{ expr }}, 4) as integer) || '-09-01' as date)
{%- endmacro %}

{% macro annee_fin(expr) -%}
    cast(right({{ expr }}, 4) || '-08-31' as date)
{%- endmacro %}

{% macro annee_1er_janvier(expr) -%}
    cast(right({{ expr }}, 4) || '-01-01' as date)
{%- endmacro %}

{# Whole years from `from_date` to `to_date` (birthday arithmetic). #}
{% macro whole_years(from_date, to_date) -%}
    (
        extract(year from {{ to_date }}) - extract(year from {{ from_date }})
        - case
            when extract(month from {{ to_date }}) * 100 + extract(day from {{ to_date }})
                < extract(month from {{ from_date }}) * 100 + extract(day from {{ from_date }})
                then 1
            else 0
        end
    )
{%- endmacro %}

{# A share in percent, computed in one place from a kept numerator and denominator. #}
{% macro pct(numerator, denominator) -%}
    case when {{ denominator }} > 0 then 100.0 * {{ numerator }} / {{ denominator }} end
{%- endmacro %}
