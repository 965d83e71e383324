{#-
  The secret of the pseudonymous jeune key comes from ALSES_PSEUDO_SECRET. Without it a
  documented development default is used, and every dbt run says so: set the variable
  before loading real data (a key computed with the default can be recomputed by anyone
  holding a usager_id).
-#}
{% macro pseudo_secret() -%}
    '{{ env_var("ALSES_PSEUDO_SECRET", "alses-dev-secret-not-for-real-data") | replace("'", "''") }}'
{%- endmacro %}

{% macro warn_default_pseudo_secret() %}
    {% if env_var("ALSES_PSEUDO_SECRET", "") == "" %}
        {{ log("ATTENTION : ALSES_PSEUDO_SECRET n'est pas défini ; la clé pseudonyme des jeunes utilise le secret de développement. Définissez-le avant de charger de vraies données.", info=True) }}
    {% endif %}
{% endmacro %}
