{# The combination of `columns` is unique (a key of several columns). #}
{% test unique_combination(model, columns) %}
    select {{ columns | join(', ') }}, count(*) as occurrences
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}

{# Every non-null value of a coded column is a code of the nomenclature `field`. #}
{% test in_nomenclature(model, column_name, field) %}
    select '{{ model.identifier }}' as table_name, '{{ column_name }}' as column_name,
        {{ column_name }} as valeur
    from {{ model }}
    where
        {{ column_name }} is not null
        and {{ column_name }} not in (
            select code from {{ ref('nomenclatures') }} where field = '{{ field }}'
        )
{% endtest %}
