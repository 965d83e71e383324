{#- The cluster moments of every share of int_indicateurs__parts, the jeune being the
    cluster: an intervention, an objective or a mobilisation of the same jeune are not
    independent draws, and a jeune present both years is compared with himself.
    For a share p = Y / M of a cell, with y and m the numerator and denominator units of
    jeune i: somme_yy = Σ y², somme_ym = Σ y·m (modality rows), grappes = the jeunes of
    the base and somme_mm = Σ m² (modality `*`); the same products across the cell of the
    previous school year (croise_*, over the jeunes present in both bases). Scopes ALSES,
    PS, and AUTRES_PS (the PS units outside ALSES: the rest of the Prévention Spécialisée
    the ALSES are compared with). alses/comparaisons.py turns them into cluster-robust
    variances (statsmodels' OLS with cov_type="cluster", written with these sums). -#}
{{ config(materialized='incremental', schema='intermediate') }}

with annees as (
    select * from {{ ref('dim_annee_scolaire') }}
),

-- the years recomputed and, for their cross products, the year before each
annees_lues as (
    select annee_scolaire from annees
    where {{ dans_annees(suivantes=true) }}
    union
    select annee_precedente as annee_scolaire from annees
    where {{ dans_annees(suivantes=true) }}
),

unites as (
    select u.* from {{ ref('int_indicateurs__unites') }} as u
    inner join annees_lues as a on u.annee_scolaire = a.annee_scolaire
),

unites_perimetres as (
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        jeune_key,
        indicateur,
        modalite,
        role
    from unites
    union all
    select
        annee_scolaire,
        'AUTRES_PS' as perimetre,
        territoire_code,
        jeune_key,
        indicateur,
        modalite,
        role
    from unites
    where perimetre = 'PS' and not coalesce(est_alses, false)
),

-- per jeune: y (numerator units of a modality) and m (denominator units)
y_jeune as (
    select
        annee_scolaire,
        perimetre,
        {{ territoire_ou_departement() }} as territoire_code,
        indicateur,
        modalite,
        jeune_key,
        count(*) as y
    from unites_perimetres
    where role = 'numerateur'
    group by annee_scolaire, perimetre, indicateur, modalite, jeune_key, rollup(territoire_code)
),

m_jeune as (
    select
        annee_scolaire,
        perimetre,
        {{ territoire_ou_departement() }} as territoire_code,
        indicateur,
        jeune_key,
        count(*) as m
    from unites_perimetres
    where role = 'denominateur'
    group by annee_scolaire, perimetre, indicateur, jeune_key, rollup(territoire_code)
),

y_jeune_annees as (
    select
        y.*,
        a.annee_precedente
    from y_jeune as y
    inner join annees as a on y.annee_scolaire = a.annee_scolaire
    where {{ dans_annees('y.annee_scolaire', suivantes=true) }}
),

m_jeune_annees as (
    select
        m.*,
        a.annee_precedente
    from m_jeune as m
    inner join annees as a on m.annee_scolaire = a.annee_scolaire
    where {{ dans_annees('m.annee_scolaire', suivantes=true) }}
),

modalites as (
    select
        y.annee_scolaire,
        y.perimetre,
        y.territoire_code,
        y.indicateur,
        y.modalite,
        sum(y.y * y.y) as somme_yy,
        sum(y.y * coalesce(m.m, 0)) as somme_ym,
        sum(y.y * coalesce(y0.y, 0)) as croise_yy,
        sum(y.y * coalesce(m0.m, 0)) as croise_ym
    from y_jeune_annees as y
    left join m_jeune as m
        on
            y.annee_scolaire = m.annee_scolaire
            and y.perimetre = m.perimetre
            and y.territoire_code = m.territoire_code
            and y.indicateur = m.indicateur
            and y.jeune_key = m.jeune_key
    left join y_jeune as y0
        on
            y.annee_precedente = y0.annee_scolaire
            and y.perimetre = y0.perimetre
            and y.territoire_code = y0.territoire_code
            and y.indicateur = y0.indicateur
            and y.modalite = y0.modalite
            and y.jeune_key = y0.jeune_key
    left join m_jeune as m0
        on
            y.annee_precedente = m0.annee_scolaire
            and y.perimetre = m0.perimetre
            and y.territoire_code = m0.territoire_code
            and y.indicateur = m0.indicateur
            and y.jeune_key = m0.jeune_key
    group by y.annee_scolaire, y.perimetre, y.territoire_code, y.indicateur, y.modalite
),

-- Σ m·y0: this year's denominator units against last year's numerator units
croise_my as (
    select
        m.annee_scolaire,
        m.perimetre,
        m.territoire_code,
        m.indicateur,
        y0.modalite,
        sum(m.m * y0.y) as croise_my
    from m_jeune_annees as m
    inner join y_jeune as y0
        on
            m.annee_precedente = y0.annee_scolaire
            and m.perimetre = y0.perimetre
            and m.territoire_code = y0.territoire_code
            and m.indicateur = y0.indicateur
            and m.jeune_key = y0.jeune_key
    group by m.annee_scolaire, m.perimetre, m.territoire_code, m.indicateur, y0.modalite
),

bases as (
    select
        m.annee_scolaire,
        m.perimetre,
        m.territoire_code,
        m.indicateur,
        count(*) as grappes,
        sum(m.m * m.m) as somme_mm,
        count(m0.m) as grappes_communes,
        sum(m.m * coalesce(m0.m, 0)) as croise_mm
    from m_jeune_annees as m
    left join m_jeune as m0
        on
            m.annee_precedente = m0.annee_scolaire
            and m.perimetre = m0.perimetre
            and m.territoire_code = m0.territoire_code
            and m.indicateur = m0.indicateur
            and m.jeune_key = m0.jeune_key
    group by m.annee_scolaire, m.perimetre, m.territoire_code, m.indicateur
),

final as (
    select
        coalesce(mo.annee_scolaire, c.annee_scolaire) as annee_scolaire,
        coalesce(mo.perimetre, c.perimetre) as perimetre,
        coalesce(mo.territoire_code, c.territoire_code) as territoire_code,
        coalesce(mo.indicateur, c.indicateur) as indicateur,
        cast(coalesce(mo.modalite, c.modalite) as varchar) as modalite,
        cast(null as bigint) as grappes,
        cast(coalesce(mo.somme_yy, 0) as double precision) as somme_yy,
        cast(coalesce(mo.somme_ym, 0) as double precision) as somme_ym,
        cast(null as double precision) as somme_mm,
        cast(null as bigint) as grappes_communes,
        cast(coalesce(mo.croise_yy, 0) as double precision) as croise_yy,
        cast(coalesce(mo.croise_ym, 0) as double precision) as croise_ym,
        cast(coalesce(c.croise_my, 0) as double precision) as croise_my,
        cast(null as double precision) as croise_mm
    from modalites as mo
    full outer join croise_my as c
        on
            mo.annee_scolaire = c.annee_scolaire
            and mo.perimetre = c.perimetre
            and mo.territoire_code = c.territoire_code
            and mo.indicateur = c.indicateur
            and mo.modalite = c.modalite
    union all
    select
        annee_scolaire,
        perimetre,
        territoire_code,
        indicateur,
        '*' as modalite,
        cast(grappes as bigint) as grappes,
        cast(null as double precision) as somme_yy,
        cast(null as double precision) as somme_ym,
        cast(somme_mm as double precision) as somme_mm,
        cast(grappes_communes as bigint) as grappes_communes,
        cast(null as double precision) as croise_yy,
        cast(null as double precision) as croise_ym,
        cast(null as double precision) as croise_my,
        cast(croise_mm as double precision) as croise_mm
    from bases
)

select * from final
