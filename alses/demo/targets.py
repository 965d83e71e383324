"""Calibration targets of the demo drops, in percent.

Each value is chosen so that, computed with the catalogue's definitions, the figures
of `seeds/published_figures.csv` hold (see docs/donnees_demo.md for the derivations).
`NORD` is the ALSES share at département level; territory entries override it; `PS`
is the share over all jeunes accompagnés (ALSES + others) at département level.
The territory list itself is not here: alses.territoires reads it from seeds/territoires.csv.
"""

#: The report's table "Nombre de jeunes" (ALSES, 2021-2022).
JEUNES_ALSES_2122 = {
    "CAM": 213,
    "DOU": 165,
    "VAL": 589,
    "SAM": 447,
    "VNE": 509,
    "LIL": 706,
    "FLA": 331,
}
JEUNES_PS_2122 = 7261
#: 2020-2021: plausible volumes (no published figure but the shares below).
JEUNES_ALSES_2021 = 2700
JEUNES_PS_2021 = 6900

#: ALSES posts (postes) and educators per territory, 2021-2022: (posts, plan posts).
#: Two posts change hands during the year (one plan-funded in VNE, one in LIL), which
#: gives the report's 75 educators (33 plan) for 73 posts (32 plan).
POSTES_ALSES = {
    "CAM": (5, 5),
    "DOU": (12, 2),
    "VAL": (13, 7),
    "SAM": (10, 7),
    "VNE": (10, 7),
    "LIL": (17, 4),
    "FLA": (6, 0),
}
#: Posts held by two educators in turn: (territory, plan-funded).
RELAIS = (("VNE", True), ("LIL", False))
#: Non-ALSES educational posts per territory.
POSTES_EDUC = {"CAM": 8, "DOU": 10, "VAL": 18, "SAM": 14, "VNE": 16, "LIL": 26, "FLA": 10}

# --- chapter 1 -----------------------------------------------------------------------
SEXE = {
    "NORD": {"F": 44, "M": 56},
    "CAM": {"F": 48, "M": 52},
    "VAL": {"F": 47, "M": 53},
    "FLA": {"F": 49, "M": 51},
    "DOU": {"F": 40, "M": 60},
    "VNE": {"F": 41, "M": 59},
    "LIL": {"F": 44, "M": 56},
    "balance": "SAM",
    "PS": {"F": 41, "M": 59},
}
SEXE_2021 = {"F": 42, "M": 58}

AGE = {"10": 2, "11": 18, "12": 23, "13": 25, "14": 21, "15": 8, "16": 2, "17": 0.5, "18": 0.5}
AGE_2021 = {
    "10": 1.5,
    "11": 14.44,
    "12": 16.56,
    "13": 21,
    "14": 27,
    "15": 14,
    "16": 4,
    "17": 1,
    "18": 0.5,
}
AGE_AUTRES = {
    "9": 1,
    "11": 4,
    "12": 7,
    "13": 10,
    "14": 12,
    "15": 13,
    "16": 13,
    "17": 11,
    "18": 9,
    "19": 7,
    "20": 5,
    "21": 4,
    "22": 2,
    "23": 1,
    "24": 1,
}

_CLASSE_C3_HAUT = {
    "C6": 16,
    "C5": 21,
    "C4": 21,
    "C3": 32,
    "SEGPA": 6,
    "ULIS_UPE2A": 2,
    "AUTRE": 2,
}
CLASSE = {
    "NORD": {"C6": 18, "C5": 22, "C4": 22, "C3": 28, "SEGPA": 6, "ULIS_UPE2A": 2, "AUTRE": 2},
    "VAL": _CLASSE_C3_HAUT,
    "VNE": _CLASSE_C3_HAUT,
    "FLA": _CLASSE_C3_HAUT,
    "CAM": _CLASSE_C3_HAUT,
    "DOU": {"C6": 22, "C5": 24, "C4": 24, "C3": 17, "SEGPA": 6, "ULIS_UPE2A": 5, "AUTRE": 2},
    "SAM": {"C6": 20, "C5": 24, "C4": 24, "C3": 24, "SEGPA": 5, "ULIS_UPE2A": 1, "AUTRE": 2},
    "balance": "LIL",
}
SCOLARITE_ALSES = {"COLLEGE": 97, "LYCEE": 1.5, "PRIMAIRE": 0.5, "FORMATION": 0.5, "NON_SCO": 0.5}
SCOLARITE_AUTRES = {
    "COLLEGE": 30,
    "LYCEE": 25,
    "PRIMAIRE": 3,
    "FORMATION": 15,
    "SUP": 2,
    "NON_SCO": 25,
}
HEBERGEMENT = {"PARENTS": 88, "TIERS": 4, "ACCUEIL": 3, "FOYER": 3, "AUTRE": 2}
ANCIENNETE = {0: 55, 1: 28, 2: 12, 3: 5}

#: Measures, as patterns (a jeune may have several measures).
MESURE_CONNUE = 15.3  # percent of all jeunes accompagnés (ALSES)
MESURE_CONNUE_AUTRES = 18
MESURE_PATTERNS = {
    "ASE": ("ASE",),
    "ASE_SOIN": ("ASE", "MEDPSY"),
    "PJJ": ("PJJ",),
    "SOIN": ("MEDPSY",),
    "MDPH": ("MDPH",),
    "AUTRE": ("AUTRE",),
}
_MESURE_ASE_HAUT = {"ASE": 58, "ASE_SOIN": 8, "PJJ": 7, "SOIN": 13, "MDPH": 8, "AUTRE": 6}
_MESURE_SOIN_HAUT = {"ASE": 40, "ASE_SOIN": 8, "PJJ": 9, "SOIN": 27, "MDPH": 9, "AUTRE": 7}
MESURE = {
    "NORD": {"ASE": 52, "ASE_SOIN": 8, "PJJ": 8, "SOIN": 17, "MDPH": 8, "AUTRE": 7},
    "FLA": _MESURE_ASE_HAUT,
    "DOU": _MESURE_ASE_HAUT,
    "SAM": _MESURE_ASE_HAUT,
    "VAL": _MESURE_ASE_HAUT,
    "CAM": _MESURE_SOIN_HAUT,
    "LIL": _MESURE_SOIN_HAUT,
    "balance": "VNE",
}
AIDE_CONNUE = 60
AIDE_PATTERNS = {
    "FSC": ("FSC",),
    "FSC_BOURSE": ("FSC", "BOURSE"),
    "BOURSE": ("BOURSE",),
    "CAF": ("CAF",),
    "CCAS": ("CCAS",),
    "AUTRE": ("AUTRE",),
}
AIDE = {"FSC": 50, "FSC_BOURSE": 20, "BOURSE": 15, "CAF": 8, "CCAS": 5, "AUTRE": 2}

# --- chapter 2 -----------------------------------------------------------------------
_CONFIG_CLASSIQUE = {"COUPLE": 54, "MONOPARENTALE": 28, "RECOMPOSEE": 8, "SEPARES": 10}
CONFIGURATION = {
    "NORD": {"COUPLE": 44, "MONOPARENTALE": 33, "RECOMPOSEE": 11, "SEPARES": 12},
    "CAM": _CONFIG_CLASSIQUE,
    "FLA": _CONFIG_CLASSIQUE,
    "DOU": {"COUPLE": 30, "MONOPARENTALE": 36, "RECOMPOSEE": 12, "SEPARES": 22},
    "VAL": {"COUPLE": 42, "MONOPARENTALE": 35, "RECOMPOSEE": 11, "SEPARES": 12},
    "SAM": {"COUPLE": 42, "MONOPARENTALE": 34, "RECOMPOSEE": 12, "SEPARES": 12},
    "VNE": {"COUPLE": 43, "MONOPARENTALE": 33, "RECOMPOSEE": 12, "SEPARES": 12},
    "balance": "LIL",
    "PS": {"COUPLE": 43, "MONOPARENTALE": 41, "RECOMPOSEE": 8, "SEPARES": 8},
}
RESSOURCE_PATTERNS = {
    "SALAIRE": ("SALAIRE",),
    "SALAIRE_PREST": ("SALAIRE", "PRESTATIONS"),
    "RSA": ("RSA",),
    "RSA_PREST": ("RSA", "PRESTATIONS"),
    "CHOMAGE": ("CHOMAGE",),
    "AAH": ("AAH",),
    "SANS": ("SANS",),
    "AUTRE": ("AUTRE",),
}
RESSOURCE = {
    "NORD": {
        "SALAIRE": 53,
        "SALAIRE_PREST": 2,
        "RSA": 24,
        "RSA_PREST": 2,
        "CHOMAGE": 9,
        "AAH": 5,
        "SANS": 3,
        "AUTRE": 2,
    },
    "balance": "LIL",
    "PS": {
        "SALAIRE": 50,
        "SALAIRE_PREST": 2,
        "RSA": 26,
        "RSA_PREST": 2,
        "CHOMAGE": 10,
        "AAH": 5,
        "SANS": 3,
        "AUTRE": 2,
    },
}

# --- chapter 3: origin and demand (jeunes) --------------------------------------------
_PART_HAUT = {"PUBLICS": 26, "PARTENAIRES": 42, "PROFESSIONNELS_PS": 32}
_PART_BAS = {"PUBLICS": 33, "PARTENAIRES": 33, "PROFESSIONNELS_PS": 34}
ORIGINE_GROUPE = {
    "NORD": {"PUBLICS": 29, "PARTENAIRES": 38, "PROFESSIONNELS_PS": 33},
    "DOU": _PART_HAUT,
    "SAM": _PART_HAUT,
    "VNE": _PART_HAUT,
    "FLA": _PART_HAUT,
    "VAL": _PART_BAS,
    "CAM": _PART_BAS,
    "balance": "LIL",
    "PS": {"PUBLICS": 36, "PARTENAIRES": 34, "PROFESSIONNELS_PS": 30},
}
_PUB_JEUNE_HAUT = {"PUB_JEUNE": 70, "PUB_FAMILLE": 18, "PUB_AMIS": 12}
_PUB_FAMILLE_HAUT = {"PUB_JEUNE": 50, "PUB_FAMILLE": 36, "PUB_AMIS": 14}
ORIGINE_PUBLICS = {
    "NORD": {"PUB_JEUNE": 57, "PUB_FAMILLE": 28, "PUB_AMIS": 15},
    "CAM": _PUB_JEUNE_HAUT,
    "VAL": _PUB_JEUNE_HAUT,
    "VNE": _PUB_JEUNE_HAUT,
    "DOU": {"PUB_JEUNE": 30, "PUB_FAMILLE": 60, "PUB_AMIS": 10},
    "LIL": _PUB_FAMILLE_HAUT,
    "SAM": _PUB_FAMILLE_HAUT,
    "balance": "FLA",
    "PS": {"PUB_JEUNE": 42, "PUB_FAMILLE": 36, "PUB_AMIS": 22},
}
#: Among origins PARTENAIRES: share of Education nationale (PART_ETAB), and among the
#: others the share of SOCIAL_PROTECTION_SOIN_JUSTICE (the report's 94 % and 71,20 %).
PART_EN = 94
PART_SOCIAL_HORS_EN = 71.2
PART_EN_PS = 81
PART_SOCIAL_CODES = ("PART_SSD", "PART_ASE", "PART_SOINS", "PART_CHRS", "PART_PJJ")
PART_AUTRES_CODES = ("PART_ML", "PART_CS", "PART_AUTRE")

FONCTION_ETAB = {
    "NORD": {"VIE_SCO": 40, "AS_INF": 9, "PROF": 20, "DIR": 15, "PSY_EN": 6, "AUTRE": 10},
    "SAM": {"VIE_SCO": 30, "AS_INF": 6, "PROF": 43, "DIR": 10, "PSY_EN": 4, "AUTRE": 7},
    "VAL": {"VIE_SCO": 42, "AS_INF": 20, "PROF": 14, "DIR": 12, "PSY_EN": 4, "AUTRE": 8},
    "DOU": {"VIE_SCO": 42, "AS_INF": 16, "PROF": 16, "DIR": 13, "PSY_EN": 5, "AUTRE": 8},
    "CAM": {"VIE_SCO": 44, "AS_INF": 12, "PROF": 18, "DIR": 12, "PSY_EN": 5, "AUTRE": 9},
    "VNE": {"VIE_SCO": 46, "AS_INF": 6, "PROF": 18, "DIR": 15, "PSY_EN": 6, "AUTRE": 9},
    "FLA": {"VIE_SCO": 46, "AS_INF": 6, "PROF": 18, "DIR": 15, "PSY_EN": 6, "AUTRE": 9},
    "balance": "LIL",
}
#: Sambre-Avesnois: PROF is the département's share plus 23 points (report, 3.1).
FONCTION_PROF_SAM_ECART = 23

_PRO = ("PRO_ETAB", "PRO_RUE", "PRO_ACTION", "PRO_LOCAL", "PRO_EQUIPE")
ORIGINE_PROFESSIONNELS = {
    "NORD": dict(zip(_PRO, (56, 13, 12, 12, 7), strict=True)),
    "CAM": dict(zip(_PRO, (70, 0, 12, 12, 6), strict=True)),
    "LIL": dict(zip(_PRO, (65, 3, 13, 12, 7), strict=True)),
    "DOU": dict(zip(_PRO, (40, 33, 10, 10, 7), strict=True)),
    "VAL": dict(zip(_PRO, (46, 27, 11, 10, 6), strict=True)),
    "SAM": dict(zip(_PRO, (60, 8, 13, 12, 7), strict=True)),
    "VNE": dict(zip(_PRO, (60, 8, 13, 12, 7), strict=True)),
    "balance": "FLA",
    "PS": dict(zip(_PRO, (33, 48, 7, 7, 5), strict=True)),
}
_THEMES = (
    "SCOL",
    "PARLER",
    "LOISIRS",
    "LOI",
    "FAMILLE",
    "SANTE",
    "MOBILITE",
    "EMPLOI",
    "LOGEMENT",
    "DROITS",
    "RISQUES",
    "AUTRE",
)
DEMANDE_PRINCIPALE = {
    "NORD": dict(zip(_THEMES, (51.6, 14, 8, 6.4, 3.8, 2, 1, 2, 1, 2, 4, 4.2), strict=True)),
    "DOU": dict(zip(_THEMES, (45, 10, 16, 9, 4, 2, 1, 2, 1, 2, 4, 4), strict=True)),
    "balance": "LIL",
    "PS": dict(zip(_THEMES, (35, 15, 10, 5, 5, 3, 3, 10, 5, 5, 2, 2), strict=True)),
}
_SCO = ("RELATION", "APPRENTISSAGE", "ABSENTEISME", "EXCLUSION", "ORIENTATION")
_SCO_RELATION = dict(zip(_SCO, (30, 24, 20, 8, 18), strict=True))
DEMANDE_SCOLARITE = {
    "NORD": dict(zip(_SCO, (27.7, 24.1, 21.9, 10.5, 15.8), strict=True)),
    "VAL": dict(zip(_SCO, (36, 12, 34, 6, 12), strict=True)),
    "VNE": dict(zip(_SCO, (24, 20, 16, 26, 14), strict=True)),
    "LIL": dict(zip(_SCO, (24, 32, 18, 8, 18), strict=True)),
    "DOU": _SCO_RELATION,
    "CAM": _SCO_RELATION,
    "SAM": _SCO_RELATION,
    "balance": "FLA",
}

# --- chapter 3: interventions ---------------------------------------------------------
#: ALSES interventions with a lieu: a multiple of 1000 makes one-decimal shares exact.
INTERVENTIONS_ALSES_LIEU = 18000
INTERVENTIONS_ALSES_SANS_LIEU = 400
INTERVENTIONS_AUTRES = 26000
INTERVENTIONS_2021_PAR_JEUNE = 5.5
_LIEUX = ("ETAB", "LOCAL", "STRUCTURE", "EXTERIEUR", "DOMICILE", "DISTANCIEL")
LIEU = {
    "NORD": dict(zip(_LIEUX, (56.1, 13.9, 2.4, 8.4, 11.9, 7.3), strict=True)),
    "balance": "LIL",
}
LIEU_AUTRES = dict(zip(_LIEUX, (5, 55, 8, 17, 10, 5), strict=True))

_OBJ = (
    "SCOL_ASSIDUITE",
    "SCOL_APPRENTISSAGE",
    "PARLER",
    "FAMILLE",
    "LOISIRS",
    "LOI",
    "SANTE",
    "MOBILITE",
    "EMPLOI",
    "LOGEMENT",
    "DROITS",
    "RISQUES",
    "AUTRE",
)
#: Primary objective of each intervention; a share of SCOL_ASSIDUITE interventions also
#: work on SCOL_APPRENTISSAGE (same theme: theme shares are untouched).
OBJECTIF = {
    "NORD": dict(zip(_OBJ, (22, 14, 20, 10, 8, 7, 4, 3, 3, 2, 3, 2, 2), strict=True)),
    "DOU": dict(zip(_OBJ, (16, 12, 18, 16, 6, 12, 4, 3, 3, 2, 3, 2, 3), strict=True)),
    "VAL": dict(zip(_OBJ, (22, 14, 20, 10, 5, 7, 4, 6, 3, 2, 3, 2, 2), strict=True)),
    "balance": "LIL",
}
OBJECTIF_AUTRES = dict(zip(_OBJ, (6, 6, 30, 8, 10, 6, 5, 4, 12, 5, 5, 2, 1), strict=True))
OBJECTIF_SECOND_SCOL = 0.3
OBJECTIF_VIDE = 0.03

#: Mobilisation pattern of each intervention: J (jeune alone with the educator),
#: F (family), P (partners), D (internal scheme), FP (family and partners), N (nothing).
MOBILISATION = {
    "NORD": {"J": 55, "F": 18, "P": 12, "D": 5, "FP": 3, "N": 7},
    "DOU": {"J": 45, "F": 24, "P": 16, "D": 5, "FP": 3, "N": 7},
    "balance": "LIL",
}
MOBILISATION_AUTRES = {"J": 45, "F": 8, "P": 25, "D": 10, "FP": 2, "N": 10}
MEMBRE_PATTERNS = {
    "MERE": ("MERE",),
    "MERE_PERE": ("MERE", "PERE"),
    "PERE": ("PERE",),
    "FRATRIE": ("FRATRIE",),
    "AUTRE": ("AUTRE",),
}
MEMBRE = {
    "NORD": {"MERE": 50, "MERE_PERE": 15, "PERE": 15, "FRATRIE": 10, "AUTRE": 10},
    "DOU": {"MERE": 45, "MERE_PERE": 10, "PERE": 15, "FRATRIE": 10, "AUTRE": 20},
    "balance": "LIL",
}
#: ALSES interventions with a family objective: 4000 makes 66.8 % and 53.1 % exact.
INTERVENTIONS_ALSES_OBJ_FAMILLE = 4000
INTERVENTIONS_AUTRES_OBJ_FAMILLE = 8000
OBJFAM_PATTERNS = {
    "E": ("ECOUTE",),
    "P": ("PARENTALITE",),
    "EP": ("ECOUTE", "PARENTALITE"),
    "MED": ("MEDIATION",),
    "VIF": ("VIF",),
    "DROITS": ("DROITS",),
    "AUTRE": ("AUTRE",),
}
_OBJFAM_VIF_MED = {"E": 33, "P": 20, "EP": 30, "MED": 8, "VIF": 6, "DROITS": 2, "AUTRE": 1}
_OBJFAM_MED = {"E": 35, "P": 22, "EP": 30, "MED": 8, "VIF": 2, "DROITS": 2, "AUTRE": 1}
OBJECTIF_FAMILLE = {
    "NORD_COUNTS": {
        "E": 1352,
        "P": 804,
        "EP": 1320,
        "MED": 240,
        "VIF": 160,
        "DROITS": 80,
        "AUTRE": 44,
    },
    "VAL": _OBJFAM_VIF_MED,
    "VNE": _OBJFAM_VIF_MED,
    "DOU": _OBJFAM_MED,
    "CAM": _OBJFAM_MED,
    "balance": "LIL",
}
OBJECTIF_FAMILLE_AUTRES_COUNTS = {
    "E": 1120,
    "EP": 288,
    "P": 228,
    "MED": 1800,
    "VIF": 1200,
    "DROITS": 2400,
    "AUTRE": 964,
}

#: Partner mobilisations: share on the territory of the intervening post.
SUR_TERRITOIRE = {
    "NORD": 82,
    "CAM": 90,
    "SAM": 88,
    "VNE": 88,
    "LIL": 86,
    "VAL": 76,
    "DOU": 76,
    "balance": "FLA",
}
SUR_TERRITOIRE_PS = 71
SECOND_PARTENAIRE = 0.3
#: Type of partner among the mobilisations on the territory (ALSES); others: by chance.
PARTENAIRE_TYPE_SUR = {
    "ETAB": 65 * 0.85,
    "CENTRE_SOCIAL": 65 * 0.05,
    "MISSION_LOCALE": 65 * 0.03,
    "MAIRIE": 65 * 0.03,
    "SPORT_CULTURE": 65 * 0.02,
    "EMPLOI": 65 * 0.02,
    "SSD": 27 * 0.68,
    "ASE": 27 * 0.15,
    "PJJ": 27 * 0.07,
    "SOINS": 27 * 0.07,
    "CHRS": 27 * 0.03,
    "AUTRE": 8,
}
