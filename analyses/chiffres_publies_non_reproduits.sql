-- Les chiffres du rapport publié qui ne sont pas reproduits (ni conformes, ni non
-- comparables). Vide quand tout est reproduit.
select
    figure_id,
    statut,
    motif
from {{ ref('rapprochement_publication').include(database=False) }}
where statut not in ('conforme', 'non comparable')
order by figure_id
