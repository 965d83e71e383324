{#- Chapter 3, the follow-ups: origin and demand (jeunes), interventions, mobilisations
    and partner mobilisations. -#}
with jeunes as (
    select * from {{ ref('fct_accompagnement') }}
),

interventions as (
    {{ avec_perimetres(ref('fct_intervention')) }}
),

objectifs as (
    {{ avec_perimetres(ref('fct_intervention_objectif')) }}
),

membres as (
    {{ avec_perimetres(ref('fct_intervention_membre_famille')) }}
),

objectifs_famille as (
    {{ avec_perimetres(ref('fct_intervention_objectif_famille')) }}
),

mobilisations as (
    {{ avec_perimetres(ref('fct_mobilisation')) }}
),

partenaires as (
    {{ avec_perimetres(ref('fct_mobilisation_partenaire')) }}
),

partenaires_sur as (
    select * from partenaires
    where est_sur_territoire
),

final as (
    {{ distribution('origine_groupe', 'jeunes', 'origine_groupe') }}
    union all
    {{ distribution('origine_publics', 'jeunes', 'origine_demande_code',
        "origine_groupe = 'PUBLICS'") }}
    union all
    {{ distribution('origine_partenaires', 'jeunes', 'origine_sous_groupe',
        "origine_groupe = 'PARTENAIRES'") }}
    union all
    {{ distribution('origine_partenaires_hors_en', 'jeunes', 'origine_sous_groupe',
        "origine_groupe = 'PARTENAIRES' and origine_sous_groupe <> 'EDUCATION_NATIONALE'") }}
    union all
    {{ distribution('origine_partenaire', 'jeunes', 'origine_demande_code',
        "origine_groupe = 'PARTENAIRES'") }}
    union all
    {{ distribution('origine_fonction_etab', 'jeunes', 'origine_fonction_etab_code',
        "origine_demande_code = 'PART_ETAB'") }}
    union all
    {{ distribution('origine_professionnels', 'jeunes', 'origine_demande_code',
        "origine_groupe = 'PROFESSIONNELS_PS'") }}
    union all
    {{ distribution('demande_principale', 'jeunes', 'demande_principale_code') }}
    union all
    {{ distribution('demande_scolarite', 'jeunes', 'demande_scolarite_code',
        "demande_principale_code = 'SCOL'") }}
    union all
    {{ distribution('lieu', 'interventions', 'lieu_code') }}
    union all
    {{ numerateur('objectif', 'objectifs', 'objectif_code') }}
    union all
    {{ denominateur('objectif', 'interventions', 'a_objectif') }}
    union all
    {{ numerateur('objectif_theme', 'objectifs', 'objectif_groupe',
        unit='count(distinct intervention_id)') }}
    union all
    {{ denominateur('objectif_theme', 'interventions', 'a_objectif') }}
    union all
    {{ distribution('mobilisation', 'mobilisations', 'categorie') }}
    union all
    {{ numerateur('membre_famille', 'membres', 'membre_famille_code') }}
    union all
    {{ denominateur('membre_famille', 'interventions', 'a_membre_famille') }}
    union all
    {{ numerateur('objectif_famille', 'objectifs_famille', 'objectif_famille_code') }}
    union all
    {{ denominateur('objectif_famille', 'interventions', 'a_objectif_famille') }}
    union all
    {{ distribution('partenaires_territoire', 'partenaires',
        "case when est_sur_territoire then 'SUR_TERRITOIRE' else 'HORS_TERRITOIRE' end") }}
    union all
    {{ distribution('partenaires_groupe', 'partenaires_sur', 'type_partenaire_groupe') }}
    union all
    {{ distribution('partenaires_droit_commun', 'partenaires_sur', 'type_partenaire_code',
        "type_partenaire_groupe = 'DROIT_COMMUN'") }}
    union all
    {{ distribution('partenaires_social', 'partenaires_sur', 'type_partenaire_code',
        "type_partenaire_groupe = 'SOCIAL_PJJ_SOIN'") }}
)

select * from final
