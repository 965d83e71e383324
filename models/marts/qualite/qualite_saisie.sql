{{ config(materialized='incremental') }}

{#- What the coordinators send back to the associations: the taux de renseignement of
    each field per structure, per territory and for the département, and the rejections
    of the extraction per BDC table. -#}
with renseignement as (
    select * from {{ ref('int_qualite__renseignement') }}
    where {{ dans_annees() }}
),

chargements as (
    select * from {{ ref('stg_bdc__chargements') }}
    where {{ dans_annees() }}
),

quarantaine as (
    select * from {{ ref('stg_bdc__quarantaine') }}
    where {{ dans_annees() }}
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
        {{ code_departement() }} as territoire_code,
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
        cast({{ pct('numerateur', 'denominateur') }} as double precision) as valeur
    from lignes
    where territoire_code is not null
)

select * from final
