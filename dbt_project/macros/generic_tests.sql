{# The combination of `columns` is unique (a key of several columns). #}
{% test unique_combination(model, columns) %}
    select {{ columns | join(', ') }}, count(*) as occurrences
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}

{#- Every column check of one model in ONE test node (each node costs dbt ≈0.1–0.3 s of
    overhead in every build): the same assertions as dbt's not_null, unique,
    relationships, accepted_values and our unique_combination, one
    row per failing check — controle, colonne, valeur, lignes:
    - non_nulles: [col, ...]                 no null (dbt not_null);
    - uniques: [col, ...]                    no duplicate non-null value (dbt unique);
    - cles: [[col, ...], ...]                no duplicate combination (unique_combination);
    - references: {col: {to: model, field: col}}  every non-null value exists there
                                             (dbt relationships);
    - nomenclatures: {col: field}            every non-null value is a code of the
                                             nomenclature `field`;
    - valeurs: {col: [value, ...]}           every non-null value is one of these
                                             (dbt accepted_values);
    - codes: {col: {label: col, field: f, multi: bool}}  the code the extraction wrote
                                             beside a nomenclature label (`<label>__code`,
                                             `|`-separated `<label>__codes` when multi):
                                             a label kept has its code (libelle_sans_code),
                                             every code is of the nomenclature `field`
                                             (code_inconnu); valeur is the label, never
                                             guessed. The raw sources' safety net behind
                                             extraction (docs/regles.md). -#}
{% test controles(model, non_nulles=[], uniques=[], cles=[], references={}, nomenclatures={}, valeurs={}, codes={}) %}
    {#- A yearly table in a run that recomputes some years: its rows of those years only
        (annees_controlees), except for the checks that compare rows across
        years (a unique column, a key without annee_scolaire). -#}
    {%- set tous = model -%}
    {%- set par_annee = [] -%}
    {%- for columns in cles if 'annee_scolaire' in columns -%}
        {%- do par_annee.append(columns) -%}
    {%- endfor -%}
    {%- set annees = annees_controlees(model, par_annee | length > 0) -%}
    {%- set lignes = tous if annees is none else "(select * from " ~ tous
        ~ " where annee_scolaire in (" ~ liste_annees(annees) ~ "))" -%}
    {%- set model = tous if annees is none else lignes ~ " as lignes_controlees" -%}
    {%- set checks = [] -%}
    {%- for col in non_nulles -%}
        {%- do checks.append(_controle('non_nulle', col, "cast(null as varchar)",
            model ~ " where " ~ col ~ " is null having count(*) > 0")) -%}
    {%- endfor -%}
    {%- for col in uniques -%}
        {%- do checks.append(_controle('unique', col, "cast(" ~ col ~ " as varchar)",
            tous ~ " where " ~ col ~ " is not null group by " ~ col ~ " having count(*) > 1")) -%}
    {%- endfor -%}
    {%- for columns in cles -%}
        {%- do checks.append(_controle('cle', columns | join(', '),
            "concat_ws('|', " ~ (columns | join(', ')) ~ ")",
            (model if 'annee_scolaire' in columns else tous)
            ~ " group by " ~ (columns | join(', ')) ~ " having count(*) > 1")) -%}
    {%- endfor -%}
    {%- for col, ref_ in references.items() -%}
        {%- do checks.append(_controle('reference', col, "cast(enfant." ~ col ~ " as varchar)",
            lignes ~ " as enfant left join " ~ ref(ref_['to']) ~ " as parent on enfant." ~ col
            ~ " = parent." ~ ref_['field'] ~ " where enfant." ~ col ~ " is not null and parent."
            ~ ref_['field'] ~ " is null group by enfant." ~ col)) -%}
    {%- endfor -%}
    {%- for col, field in nomenclatures.items() -%}
        {%- do checks.append(_hors_liste('nomenclature', model, col,
            "select code from " ~ ref('nomenclatures') ~ " where field = '" ~ field ~ "'")) -%}
    {%- endfor -%}
    {%- for col, values in valeurs.items() -%}
        {%- do checks.append(_hors_liste('valeur', model, col,
            "'" ~ (values | join("', '")) ~ "'")) -%}
    {%- endfor -%}
    {%- for col, code in codes.items() -%}
        {%- set label = code['label'] -%}
        {%- do checks.append(_controle('libelle_sans_code', label, "cast(" ~ label ~ " as varchar)",
            model ~ " where " ~ label ~ " is not null and " ~ col ~ " is null group by " ~ label)) -%}
        {%- set item = ("trim(" ~ split_items(col) ~ ")") if code.get('multi') else col -%}
        {%- do checks.append(_controle('code_inconnu', label, "cast(" ~ label ~ " as varchar)",
            "(select " ~ label ~ ", " ~ item ~ " as code from " ~ model ~ " where " ~ label
            ~ " is not null and " ~ col ~ " is not null) as items where code not in (select code from "
            ~ ref('nomenclatures') ~ " where field = '" ~ code['field'] ~ "') group by " ~ label)) -%}
    {%- endfor -%}
    {%- if not checks -%}
        {{ exceptions.raise_compiler_error("controles sur " ~ model ~ " : aucun contrôle déclaré") }}
    {%- endif -%}
    {{ checks | join('\n    union all\n    ') }}
{% endtest %}

{#- The school years `controles` reads in `model`, or none: every row. In a run that
    recomputes some years (ALSES_DBT_ANNEES) — the other years' rows were checked when
    they were written, and the run leaves them as they are:
    - a yearly incremental table (unique_key annee_scolaire): the years recomputed
      (and ALSES_DBT_ANNEES_SUIVANTES for marts.indicateurs), the only rows it wrote;
    - a raw BDC table and its staging view, when a key of the check holds annee_scolaire
      (`par_annee`): the years loaded by the run, the only rows the extraction replaced
      (a staging view reads its year's rows only; a change of its SQL or of a seed
      changes the project's fingerprint: every year is then rebuilt and checked).
    Dimensions, whole tables and raw.cles_jeunes (no year): every row. -#}
{% macro annees_controlees(model, par_annee=false) -%}
    {%- set annees = annees_env('ALSES_DBT_ANNEES') -%}
    {%- if annees is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set relation = model | string -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model'
        and node.relation_name == relation -%}
        {%- if node.config.materialized == 'incremental'
            and node.config.unique_key == 'annee_scolaire' -%}
            {{ return(annees + (annees_env('ALSES_DBT_ANNEES_SUIVANTES') or [])) }}
        {%- elif par_annee and node.config.materialized == 'view' -%}
            {{ return(annees) }}
        {%- endif -%}
    {%- endfor -%}
    {%- for source in graph.sources.values() if par_annee and source.relation_name == relation -%}
        {{ return(annees) }}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{#- One failing-check query of `controles`: its four columns, then `source` (what follows
    `from`: the relation, its filter and grouping). -#}
{% macro _controle(controle, colonne, valeur, source) -%}
    {{ return("select '" ~ controle ~ "' as controle, '" ~ colonne ~ "' as colonne, " ~ valeur
        ~ " as valeur, count(*) as lignes from " ~ source) }}
{%- endmacro %}

{#- The non-null values of `col` outside `liste` (SQL: a subquery or literals), grouped. -#}
{% macro _hors_liste(controle, model, col, liste) -%}
    {{ return(_controle(controle, col, "cast(" ~ col ~ " as varchar)", model ~ " where " ~ col
        ~ " is not null and " ~ col ~ " not in (" ~ liste ~ ") group by " ~ col)) }}
{%- endmacro %}
