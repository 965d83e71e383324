{# The nomenclature code of a BDC label (null when empty or unknown: extraction has
   already set unknown labels aside, and a test names any that slips through). #}
{% macro bdc_code(expr, field) -%}
    (
        select n.code
        from {{ ref('nomenclatures') }} as n
        where
            n.field = '{{ field }}'
            and {{ normalize_label('n.label') }} = {{ normalize_label(expr) }}
    )
{%- endmacro %}

{% macro bdc_oui(expr) -%}
    coalesce({{ normalize_label(expr) }} = 'oui', false)
{%- endmacro %}

{% macro bdc_oui_non(expr) -%}
    case {{ normalize_label(expr) }} when 'oui' then true when 'non' then false end
{%- endmacro %}
