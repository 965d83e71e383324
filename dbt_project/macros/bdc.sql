{#- Safety net behind extraction, on the code the extraction wrote beside a nomenclature
    label (`column_name`: `<label>__code`, or `<label>__codes` when `multi`): a label kept
    has its code, and every code is one of the nomenclature `field`. A failure lists
    table, column and label: a label is never guessed. -#}
{% test coded_label(model, column_name, label, field, multi=false) %}
    with coded as (
        select
            {{ label }} as valeur,
            {{ column_name }} as codes
        from {{ model }}
        where {{ label }} is not null
    ),

    items as (
        select
            valeur,
            {% if multi %}trim({{ split_items('codes') }}){% else %}codes{% endif %} as code
        from coded
        where codes is not null
    )

    select distinct
        '{{ model.identifier }}' as table_name,
        '{{ label }}' as column_name,
        valeur
    from coded
    where codes is null
    union all
    select distinct
        '{{ model.identifier }}' as table_name,
        '{{ label }}' as column_name,
        valeur
    from items
    where code not in (
        select code from {{ ref('nomenclatures') }}
        where field = '{{ field }}'
    )
{% endtest %}
