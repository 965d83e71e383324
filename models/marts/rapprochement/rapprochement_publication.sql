{#- Figure by figure, the published value beside the computed one, with a status:
    conforme, écart, non comparable (the report contradicts itself or the definition
    cannot be known) or non calculable (the cell has no value). Computed from
    marts.indicateurs only; the published figures never feed an indicator. -#}
with publies as (
    select * from {{ ref('published_figures') }}
),

indicateurs as (
    select * from {{ ref('indicateurs') }}
),

rapproches as (
    select
        publies.*,
        case
            when
                publies.comparaison in ('vs_nord', 'evolution')
                and publies.attendu not in ('+', '-')
                then cast(publies.attendu as double precision)
        end as attendu_nombre,
        cellule.valeur,
        cellule.numerateur,
        cellule.rang,
        cellule.evolution_points,
        nord.valeur as valeur_nord,
        ps.valeur as valeur_ps
    from publies
    left join indicateurs as cellule
        on
            publies.annee_scolaire = cellule.annee_scolaire
            and publies.perimetre = cellule.perimetre
            and publies.territoire_code = cellule.territoire_code
            and publies.indicateur = cellule.indicateur
            and publies.modalite = cellule.modalite
    left join indicateurs as nord
        on
            publies.annee_scolaire = nord.annee_scolaire
            and publies.perimetre = nord.perimetre
            and nord.territoire_code = {{ code_departement() }}
            and publies.indicateur = nord.indicateur
            and publies.modalite = nord.modalite
    left join indicateurs as ps
        on
            publies.annee_scolaire = ps.annee_scolaire
            and ps.perimetre = 'PS'
            and ps.territoire_code = {{ code_departement() }}
            and publies.indicateur = ps.indicateur
            and publies.modalite = ps.modalite
),

calcules as (
    select
        *,
        case comparaison
            when 'valeur' then valeur
            when 'numerateur' then cast(numerateur as double precision)
            when 'rang' then cast(rang as double precision)
            when 'vs_nord' then valeur - valeur_nord
            when 'vs_ps' then valeur - valeur_ps
            when 'evolution' then evolution_points
        end as valeur_calculee,
        case comparaison
            when 'valeur' then valeur_publiee
            when 'numerateur' then valeur_publiee
            when 'rang' then cast(attendu as double precision)
            when 'vs_nord' then attendu_nombre
            when 'evolution' then attendu_nombre
        end as valeur_attendue
    from rapproches
),

statues as (
    select
        *,
        case
            when comparaison = 'non_comparable' then 'non comparable'
            when valeur_calculee is null then 'non calculable'
            when comparaison in ('vs_nord', 'vs_ps') and attendu = '+'
                then case when valeur_calculee > 0 then 'conforme' else 'écart' end
            when comparaison in ('vs_nord', 'vs_ps') and attendu = '-'
                then case when valeur_calculee < 0 then 'conforme' else 'écart' end
            when comparaison = 'rang'
                then case when valeur_calculee = valeur_attendue then 'conforme' else 'écart' end
            when abs(valeur_calculee - valeur_attendue) <= coalesce(tolerance, 0) + 1e-9
                then 'conforme'
            else 'écart'
        end as statut
    from calcules
),

final as (
    select
        figure_id,
        section,
        annee_scolaire,
        perimetre,
        territoire_code,
        indicateur,
        modalite,
        comparaison,
        valeur_publiee,
        attendu,
        tolerance,
        valeur_calculee,
        valeur_attendue,
        statut,
        case statut
            when 'non comparable' then coalesce(motif_fr, note)
            when 'non calculable' then 'la cellule de marts.indicateurs n''a pas de valeur'
            when 'conforme' then null
            else case
                when comparaison in ('vs_nord', 'vs_ps') and attendu in ('+', '-')
                    then
                        'écart au '
                        || case comparaison
                            when 'vs_nord' then 'département' else 'périmètre PS'
                        end
                        || ' de ' || {{ nombre_fr('valeur_calculee') }}
                        || ' point(s), signe attendu ' || attendu
                else
                    'calculé ' || {{ nombre_fr('valeur_calculee') }}
                    || ' ; attendu ' || {{ nombre_fr('valeur_attendue') }}
                    || ' ± ' || {{ nombre_fr('coalesce(tolerance, 0)') }}
            end
        end as motif,
        citation
    from statues
)

select * from final
