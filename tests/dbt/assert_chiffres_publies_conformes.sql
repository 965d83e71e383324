{#- Every comparable published figure holds. An error on the demo data (ALSES_DBT_DEMO=oui,
    set by the dbt asset when the drops are the synthetic ones); on a real export a gap is
    information for the coordinators, hence a warning. Fails with the list of figures. -#}
{{ config(severity=('error' if env_var('ALSES_DBT_DEMO', 'non') == 'oui' else 'warn')) }}

select
    figure_id,
    statut,
    motif
from {{ ref('rapprochement_publication') }}
where
    statut not in ('conforme', 'non comparable')
    -- a figure of a year not loaded yet (loading the years one by one) is not a gap
    and annee_scolaire in (select annee_scolaire from {{ ref('dim_annee_scolaire') }})
