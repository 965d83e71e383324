{#- The October audit: one row per check, school year and scope (file, structure,
    post, territory, month, field, label), with this year's figure, the reference's
    (the previous loaded year, or the published version of the same year for a
    re-export), the median of the earlier years, the thresholds of seeds/controle_seuils
    and a status: conforme, alerte, bloquant, or sans comparaison (the first year of the
    warehouse). The gate (alses/controle.py) stops the publication of a year with a
    `bloquant` row unless the coordinator accepts it. -#}
with mesures as (
    select * from {{ ref('controle_mesures') }}
),

chargements as (
    select * from {{ ref('stg_bdc__chargements') }}
),

seuils as (
    select * from {{ ref('controle_seuils') }}
),

paires as (
    select * from {{ ref('controle_paires') }}
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
    select distinct
        annee_scolaire,
        annee_reference
    from paires
    where type_reference = 'annee_precedente'
),

comparaisons as (
    select distinct
        annee_scolaire,
        type_reference
    from paires
),

volumes as (
    select
        paires.*,
        case paires.niveau
            when 'departement' then 'volume_departement'
            when 'territoire' then 'volume_territoire'
            when 'structure' then 'volume_structure'
            when 'poste' then 'volume_poste'
            when 'fichier' then 'volume_fichier'
        end as controle
    from paires
    where
        (
            paires.niveau in ('departement', 'territoire', 'structure')
            and paires.mesure in ('jeunes', 'interventions', 'actions')
        )
        or (paires.niveau = 'poste' and paires.mesure = 'interventions')
        or (paires.niveau = 'fichier' and paires.mesure = 'lignes')
),

volumes_juges as (
    select
        volumes.*,
        seuils.seuil_alerte,
        seuils.seuil_bloquant,
        case
            when volumes.numerateur > 0
                then greatest(
                    1.0 * volumes.numerateur / volumes.numerateur_reference,
                    1.0 * volumes.numerateur_reference / volumes.numerateur
                )
        end as facteur,
        case
            when volumes.numerateur > 0 and volumes.mediane > 0
                then greatest(
                    1.0 * volumes.numerateur / volumes.mediane,
                    1.0 * volumes.mediane / volumes.numerateur
                )
        end as facteur_mediane
    from volumes
    inner join seuils on volumes.controle = seuils.controle
    where volumes.numerateur_reference >= seuils.base_minimale
),

lignes_volumes as (
    select
        annee_scolaire,
        controle,
        niveau,
        objet_id,
        objet_libelle,
        mesure,
        reference,
        cast(numerateur as double precision) as valeur,
        cast(numerateur_reference as double precision) as valeur_reference,
        cast(mediane as double precision) as valeur_mediane,
        seuil_alerte,
        seuil_bloquant,
        case
            when
                seuil_bloquant is not null
                and (numerateur = 0 or facteur >= seuil_bloquant)
                and (mediane is null or numerateur = 0 or facteur_mediane >= seuil_bloquant)
                then 'bloquant'
            when numerateur = 0 or facteur >= seuil_alerte then 'alerte'
            else 'conforme'
        end as statut
    from volumes_juges
),

champs as (
    select
        paires.*,
        {{ pct('paires.numerateur', 'paires.denominateur') }} as taux,
        {{ pct('paires.numerateur_reference', 'paires.denominateur_reference') }}
            as taux_reference
    from paires
    where paires.niveau in ('champ', 'champ_structure') and paires.mesure = 'taux_renseignement'
),

lignes_champs as (
    select
        champs.annee_scolaire,
        seuils.controle,
        champs.niveau,
        champs.objet_id,
        champs.objet_libelle,
        champs.mesure,
        champs.reference,
        cast(coalesce(champs.taux, 0) as double precision) as valeur,
        cast(champs.taux_reference as double precision) as valeur_reference,
        cast(null as double precision) as valeur_mediane,
        seuils.seuil_alerte,
        seuils.seuil_bloquant,
        case
            when
                seuils.controle = 'colonne_videe'
                and coalesce(champs.taux, 0) < seuils.seuil_bloquant
                then 'bloquant'
            when seuils.controle = 'colonne_videe' then 'conforme'
            when champs.taux_reference - coalesce(champs.taux, 0) >= seuils.seuil_bloquant
                then 'bloquant'
            when champs.taux_reference - coalesce(champs.taux, 0) >= seuils.seuil_alerte
                then 'alerte'
            else 'conforme'
        end as statut
    from champs
    inner join seuils
        on
            (
                seuils.controle = 'colonne_videe' and champs.niveau = 'champ'
                and champs.taux_reference >= seuils.base_minimale
            )
            or (
                seuils.controle = 'renseignement_baisse'
                and champs.denominateur_reference >= seuils.base_minimale
                -- a structure without any record this year is judged by its volume
                and champs.denominateur > 0
            )
),

parts as (
    select
        courantes.annee_scolaire,
        courantes.mesure as controle,
        courantes.niveau,
        courantes.objet_id,
        courantes.objet_libelle,
        courantes.mesure,
        {{ pct('courantes.numerateur', 'courantes.denominateur') }} as part,
        courantes.denominateur
    from courantes
    where
        courantes.niveau = 'fichier'
        and courantes.mesure in ('lignes_ecartees', 'valeurs_videes', 'hors_annee')
),

lignes_parts as (
    select
        parts.annee_scolaire,
        parts.controle,
        parts.niveau,
        parts.objet_id,
        parts.objet_libelle,
        parts.mesure,
        cast(null as varchar) as reference,
        cast(parts.part as double precision) as valeur,
        cast(null as double precision) as valeur_reference,
        cast(null as double precision) as valeur_mediane,
        seuils.seuil_alerte,
        seuils.seuil_bloquant,
        case
            when parts.part >= seuils.seuil_bloquant then 'bloquant'
            when parts.part >= seuils.seuil_alerte then 'alerte'
            else 'conforme'
        end as statut
    from parts
    inner join seuils on parts.controle = seuils.controle
    where parts.denominateur >= seuils.base_minimale
),

calendrier as (
    select
        mois_scolaires.rang,
        mois_scolaires.numero,
        mois_scolaires.texte
    from (
        values
        (1, 9, '09'), (2, 10, '10'), (3, 11, '11'), (4, 12, '12'), (5, 1, '01'),
        (6, 2, '02'), (7, 3, '03'), (8, 4, '04'), (9, 5, '05'), (10, 6, '06'),
        (11, 7, '07'), (12, 8, '08')
    ) as mois_scolaires (rang, numero, texte)
),

mois as (
    select
        annees.annee_scolaire,
        calendrier.rang,
        calendrier.numero,
        case
            when calendrier.numero >= 9 then left(annees.annee_scolaire, 4)
            else right(annees.annee_scolaire, 4)
        end || '-' || calendrier.texte as objet_id,
        coalesce(courantes.numerateur, 0) as interventions
    from annees
    cross join calendrier
    left join courantes
        on
            annees.annee_scolaire = courantes.annee_scolaire
            and courantes.niveau = 'mois'
            and courantes.objet_id
            = case
                when calendrier.numero >= 9 then left(annees.annee_scolaire, 4)
                else right(annees.annee_scolaire, 4)
            end || '-' || calendrier.texte
),

mois_annee as (
    select
        annee_scolaire,
        sum(interventions) as interventions,
        max(case when interventions > 0 then rang else 0 end) as dernier_rang,
        {{ controle_mediane('case when rang <= 10 then interventions end') }} as mediane
    from mois
    group by annee_scolaire
),

lignes_dernier_mois as (
    select
        mois_annee.annee_scolaire,
        seuils.controle,
        'departement' as niveau,
        {{ code_departement() }} as objet_id,
        coalesce(dernier.objet_id, 'aucun') as objet_libelle,
        'rang du mois (septembre = 1, août = 12)' as mesure,
        cast(null as varchar) as reference,
        cast(mois_annee.dernier_rang as double precision) as valeur,
        cast(null as double precision) as valeur_reference,
        cast(null as double precision) as valeur_mediane,
        seuils.seuil_alerte,
        seuils.seuil_bloquant,
        case
            when mois_annee.dernier_rang < seuils.seuil_bloquant then 'bloquant'
            when mois_annee.dernier_rang < seuils.seuil_alerte then 'alerte'
            else 'conforme'
        end as statut
    from mois_annee
    inner join seuils on seuils.controle = 'dernier_mois'
    left join mois as dernier
        on
            mois_annee.annee_scolaire = dernier.annee_scolaire
            and mois_annee.dernier_rang = dernier.rang
    where mois_annee.interventions >= seuils.base_minimale
),

lignes_mois_creux as (
    select
        mois.annee_scolaire,
        seuils.controle,
        'mois' as niveau,
        mois.objet_id,
        mois.objet_id as objet_libelle,
        'interventions du mois, en % de la médiane de septembre à juin' as mesure,
        cast(null as varchar) as reference,
        cast({{ pct('mois.interventions', 'mois_annee.mediane') }} as double precision) as valeur,
        cast(null as double precision) as valeur_reference,
        cast(mois_annee.mediane as double precision) as valeur_mediane,
        seuils.seuil_alerte,
        seuils.seuil_bloquant,
        case
            when {{ pct('mois.interventions', 'mois_annee.mediane') }} < seuils.seuil_bloquant
                then 'bloquant'
            when {{ pct('mois.interventions', 'mois_annee.mediane') }} < seuils.seuil_alerte
                then 'alerte'
            else 'conforme'
        end as statut
    from mois
    inner join mois_annee on mois.annee_scolaire = mois_annee.annee_scolaire
    inner join seuils on seuils.controle = 'mois_creux'
    where mois.rang <= 10 and mois_annee.interventions >= seuils.base_minimale
),

fichiers_activite as (
    select * from courantes
    where
        niveau = 'fichier'
        and mesure = 'lignes'
        and numerateur > 0
        and empreinte is not null
        and objet_id in (
            'usagers', 'situations', 'interventions', 'actions_ponctuelles',
            'actions_collectives'
        )
),

identiques as (
    select
        fichiers_activite.annee_scolaire,
        fichiers_activite.objet_id,
        fichiers_activite.objet_libelle,
        fichiers_activite.numerateur,
        max(autres.annee_scolaire) as autre_annee,
        count(autres.annee_scolaire) as autres_annees
    from fichiers_activite
    left join fichiers_activite as autres
        on
            fichiers_activite.objet_id = autres.objet_id
            and fichiers_activite.empreinte = autres.empreinte
            and fichiers_activite.annee_scolaire > autres.annee_scolaire
    where
        fichiers_activite.annee_scolaire in (
            select references_annee.annee_scolaire from references_annee
        )
        or exists (
            select 1 from references_annee
            where references_annee.annee_reference = fichiers_activite.annee_scolaire
        )
    group by
        fichiers_activite.annee_scolaire, fichiers_activite.objet_id,
        fichiers_activite.objet_libelle, fichiers_activite.numerateur
),

lignes_identiques as (
    select
        identiques.annee_scolaire,
        seuils.controle,
        'fichier' as niveau,
        identiques.objet_id,
        identiques.objet_libelle,
        'lignes identiques' as mesure,
        identiques.autre_annee as reference,
        cast(identiques.numerateur as double precision) as valeur,
        cast(null as double precision) as valeur_reference,
        cast(null as double precision) as valeur_mediane,
        seuils.seuil_alerte,
        seuils.seuil_bloquant,
        case when identiques.autres_annees > 0 then 'bloquant' else 'conforme' end as statut
    from identiques
    inner join seuils on seuils.controle = 'fichier_identique'
    union all
    -- the whole drop: same files, names and bytes (load_id) as another year's
    select
        actuelles.annee_scolaire,
        seuils.controle,
        'depot' as niveau,
        actuelles.load_id as objet_id,
        'dépôt entier (tous les fichiers)' as objet_libelle,
        'dépôt identique' as mesure,
        max(autres.annee_scolaire) as reference,
        cast(count(*) as double precision) as valeur,
        cast(null as double precision) as valeur_reference,
        cast(null as double precision) as valeur_mediane,
        seuils.seuil_alerte,
        seuils.seuil_bloquant,
        'bloquant' as statut
    from actuelles
    inner join actuelles as autres
        on
            actuelles.load_id = autres.load_id
            and actuelles.annee_scolaire > autres.annee_scolaire
    inner join seuils on seuils.controle = 'fichier_identique'
    group by
        actuelles.annee_scolaire, seuils.controle, actuelles.load_id,
        seuils.seuil_alerte, seuils.seuil_bloquant
),

lignes_libelles as (
    select
        courantes.annee_scolaire,
        seuils.controle,
        courantes.niveau,
        courantes.objet_id,
        courantes.objet_libelle,
        courantes.mesure,
        cast(null as varchar) as reference,
        cast(courantes.numerateur as double precision) as valeur,
        cast(null as double precision) as valeur_reference,
        cast(null as double precision) as valeur_mediane,
        seuils.seuil_alerte,
        seuils.seuil_bloquant,
        'alerte' as statut
    from courantes
    inner join seuils on seuils.controle = 'libelle_inconnu'
    where
        courantes.niveau = 'libelle_inconnu'
        and courantes.numerateur >= seuils.base_minimale
        and not exists (
            select 1 from mesures as avant
            where
                avant.niveau = 'libelle_inconnu'
                and avant.objet_id = courantes.objet_id
                and avant.annee_scolaire < courantes.annee_scolaire
        )
),

lignes_codes as (
    select
        paires.annee_scolaire,
        seuils.controle,
        paires.niveau,
        paires.objet_id,
        paires.objet_libelle,
        paires.mesure,
        paires.reference,
        cast(paires.numerateur as double precision) as valeur,
        cast(paires.numerateur_reference as double precision) as valeur_reference,
        cast(null as double precision) as valeur_mediane,
        seuils.seuil_alerte,
        seuils.seuil_bloquant,
        case when paires.numerateur = 0 then 'alerte' else 'conforme' end as statut
    from paires
    inner join seuils on seuils.controle = 'code_disparu'
    where
        paires.niveau = 'code'
        and paires.type_reference = 'annee_precedente'
        and paires.numerateur_reference >= seuils.base_minimale
),

sans_comparaison as (
    select
        annees.annee_scolaire,
        seuils.controle,
        'departement' as niveau,
        {{ code_departement() }} as objet_id,
        'première année de l''entrepôt : aucune année précédente à comparer' as objet_libelle,
        cast(null as varchar) as mesure,
        cast(null as varchar) as reference,
        cast(null as double precision) as valeur,
        cast(null as double precision) as valeur_reference,
        cast(null as double precision) as valeur_mediane,
        seuils.seuil_alerte,
        seuils.seuil_bloquant,
        'sans comparaison' as statut
    from annees
    cross join seuils
    where
        seuils.compare = 'oui'
        and annees.annee_scolaire not in (
            select references_annee.annee_scolaire from references_annee
        )
        and annees.annee_scolaire not in (
            select comparaisons.annee_scolaire from comparaisons
            where comparaisons.type_reference = 'version_publiee'
        )
),

lignes as (
    select * from lignes_volumes
    union all
    select * from lignes_champs
    union all
    select * from lignes_parts
    union all
    select * from lignes_dernier_mois
    union all
    select * from lignes_mois_creux
    union all
    select * from lignes_identiques
    union all
    select * from lignes_libelles
    union all
    select * from lignes_codes
    union all
    select * from sans_comparaison
),

final as (
    select
        lignes.annee_scolaire,
        lignes.controle,
        seuils.libelle as controle_libelle,
        lignes.niveau,
        lignes.objet_id,
        lignes.objet_libelle,
        lignes.mesure,
        lignes.reference,
        lignes.valeur,
        lignes.valeur_reference,
        lignes.valeur_mediane,
        cast(lignes.seuil_alerte as double precision) as seuil_alerte,
        cast(lignes.seuil_bloquant as double precision) as seuil_bloquant,
        lignes.statut,
        lignes.statut = 'bloquant' as est_bloquant
    from lignes
    inner join seuils on lignes.controle = seuils.controle
)

select * from final
