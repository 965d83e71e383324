{#- The comparisons of the October audit (models/controle/controle_annee.sql): every
    measure of a reference (the previous loaded year, or the published version of the
    same year for a re-export) beside the same measure of the current drop of the year
    (0 when it is gone), with the median of the earlier years when there are two or
    more. -#}
with mesures as (
    select * from {{ ref('controle_mesures') }}
),

chargements as (
    select * from {{ ref('stg_bdc__chargements') }}
),

publiees as (
    {{ controle_versions_publiees() }}
),

actuelles as (
    select distinct
        annee_scolaire,
        load_id
    from chargements
),

courantes as (
    select mesures.*
    from mesures
    inner join actuelles
        on
            mesures.annee_scolaire = actuelles.annee_scolaire
            and mesures.load_id = actuelles.load_id
),

annees as (
    select distinct annee_scolaire from courantes
),

references_annee as (
    select
        annees.annee_scolaire,
        max(precedentes.annee_scolaire) as annee_reference
    from annees
    inner join annees as precedentes on annees.annee_scolaire > precedentes.annee_scolaire
    group by annees.annee_scolaire
),

comparaisons as (
    select
        references_annee.annee_scolaire,
        'annee_precedente' as type_reference,
        references_annee.annee_reference,
        actuelles.load_id as load_id_reference,
        references_annee.annee_reference as reference
    from references_annee
    inner join actuelles on references_annee.annee_reference = actuelles.annee_scolaire
    union all
    select
        publiees.annee_scolaire,
        'version_publiee' as type_reference,
        publiees.annee_scolaire as annee_reference,
        publiees.load_id as load_id_reference,
        publiees.annee_scolaire || ' (version publiée)' as reference
    from publiees
    inner join actuelles
        on
            publiees.annee_scolaire = actuelles.annee_scolaire
            and publiees.load_id <> actuelles.load_id
    where exists (
        select 1 from mesures
        where
            mesures.annee_scolaire = publiees.annee_scolaire
            and mesures.load_id = publiees.load_id
    )
),

paires as (
    select
        comparaisons.annee_scolaire,
        comparaisons.type_reference,
        comparaisons.reference,
        comparaisons.annee_reference,
        reference_mesures.niveau,
        reference_mesures.objet_id,
        coalesce(courantes.objet_libelle, reference_mesures.objet_libelle) as objet_libelle,
        reference_mesures.mesure,
        coalesce(courantes.numerateur, 0) as numerateur,
        courantes.denominateur,
        reference_mesures.numerateur as numerateur_reference,
        reference_mesures.denominateur as denominateur_reference
    from comparaisons
    inner join mesures as reference_mesures
        on
            comparaisons.annee_reference = reference_mesures.annee_scolaire
            and comparaisons.load_id_reference = reference_mesures.load_id
    left join courantes
        on
            comparaisons.annee_scolaire = courantes.annee_scolaire
            and reference_mesures.niveau = courantes.niveau
            and reference_mesures.objet_id = courantes.objet_id
            and reference_mesures.mesure = courantes.mesure
),

medianes as (
    select
        annees.annee_scolaire,
        courantes.niveau,
        courantes.objet_id,
        courantes.mesure,
        {{ controle_mediane('courantes.numerateur') }} as mediane,
        count(*) as annees_connues
    from annees
    inner join courantes on annees.annee_scolaire > courantes.annee_scolaire
    group by annees.annee_scolaire, courantes.niveau, courantes.objet_id, courantes.mesure
),

final as (
    select
        paires.*,
        case
            when paires.type_reference = 'annee_precedente' and medianes.annees_connues >= 2
                then medianes.mediane
        end as mediane
    from paires
    left join medianes
        on
            paires.annee_scolaire = medianes.annee_scolaire
            and paires.niveau = medianes.niveau
            and paires.objet_id = medianes.objet_id
            and paires.mesure = medianes.mesure
)

select * from final
