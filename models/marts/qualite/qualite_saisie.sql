{#- What the coordinators send back to the associations: the taux de renseignement of
    each field per structure, per territory and for the département, and the rejections
    of the extraction per BDC table. -#}
with jeunes as (
    select * from {{ ref('fct_accompagnement') }}
),

interventions as (
    {{ avec_perimetres(ref('fct_intervention')) }}
),

chargements as (
    select * from {{ source('bdc', 'chargements') }}
),

quarantaine as (
    select * from {{ source('bdc', 'quarantaine') }}
),

renseignement as (
    {%- set niveaux_qualite = [
        ('territoire_code', 'structure_id', ['territoire_code', 'structure_id']),
        ('territoire_code', 'cast(null as varchar)', ['territoire_code']),
        ("'NORD'", 'cast(null as varchar)', []),
    ] %}
    {% for champ, relation, population, rempli in champs_renseignement() %}
        {% set champ_loop = loop %}
        {% for territoire, structure, colonnes in niveaux_qualite %}
            select
                annee_scolaire,
                perimetre,
                {{ territoire }},
                {{ structure }},
                'taux_renseignement' as mesure,
                '{{ champ }}' as objet,
                cast(sum(case when {{ rempli }} then 1 else 0 end) as bigint) as numerateur,
                cast(count(*) as bigint) as denominateur
            from {{ relation }}
            where {{ population }}
            group by {{ (['annee_scolaire', 'perimetre'] + colonnes) | join(', ') }}
            {% if not (loop.last and champ_loop.last) %}union all{% endif %}
        {% endfor %}
    {% endfor %}
),

traitements as (
    select
        'lignes_ecartees' as mesure,
        'ligne écartée' as traitement
    union all
    select
        'valeurs_videes' as mesure,
        'valeur vidée' as traitement
),

rejets as (
    select
        chargements.annee_scolaire,
        'PS' as perimetre,
        'NORD' as territoire_code,
        cast(null as varchar) as structure_id,
        traitements.mesure,
        chargements.table_bdc as objet,
        cast(count(quarantaine.table_bdc) as bigint) as numerateur,
        cast(chargements.lignes_lues as bigint) as denominateur
    from chargements
    cross join traitements
    left join quarantaine
        on
            chargements.annee_scolaire = quarantaine.annee_scolaire
            and chargements.table_bdc = quarantaine.table_bdc
            and traitements.traitement = quarantaine.traitement
    group by
        chargements.annee_scolaire, traitements.mesure, chargements.table_bdc,
        chargements.lignes_lues
),

lignes as (
    select * from renseignement
    union all
    select * from rejets
),

final as (
    select
        *,
        {{ pct('numerateur', 'denominateur') }} as valeur
    from lignes
    where territoire_code is not null
)

select * from final
