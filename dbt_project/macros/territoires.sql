{#- The département's code: the row of `ordre` 0 of seeds/territoires.csv, the one
    territory list (read by core.dim_territoire). Every SQL that names the département
    (the rollup label of the counts, dim_territoire's flag, the quality and
    reconciliation marts) calls this macro; tests/test_territoires.py checks that it
    agrees with the seed and that no model writes a territory code itself. -#}
{% macro code_departement() %}'NORD'{% endmacro %}

{#- The territory of a row of an aggregation `group by …, rollup(territoire_code)`: the
    territory, or the département's code on the row where the territory is grouped away
    (the département, counted again over every territory). -#}
{% macro territoire_ou_departement() -%}
    case
        when grouping(territoire_code) = 1 then {{ code_departement() }}
        else territoire_code
    end
{%- endmacro %}
