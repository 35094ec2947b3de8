"""Synthetic workload for the Dépêche benchmark: French wire-style news articles.

Articles are assembled from sentence templates (visits, meetings, agreements, phone calls, sanctions,
strikes, accusations and denials, hedged allegations, aid, statements) whose slots are filled from
lists of real actors, capitals, agencies and topics. Sizes follow a lognormal distribution around
``mean_words``; a chosen fraction of articles are exact copies of earlier ones under a new id.

Everything derives from ``random.Random(spec.seed)``: a spec always yields the same articles.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from service.french import MONTH_NAMES, WEEKDAY_NAMES

__all__ = ["WorkloadSpec", "generate", "word_count"]


@dataclass(frozen=True)
class WorkloadSpec:
    articles: int = 1000
    mean_words: int = 350  # size distribution: lognormal around this mean
    sigma: float = 0.5
    duplicate_ratio: float = 0.0  # fraction of articles that are exact copies (same text) of an earlier one
    seed: int = 42


_WORD_RE = re.compile(r"\w+(?:['’-]\w+)*")


def word_count(text: str) -> int:
    """Number of words; an elided or hyphenated form ("l'agence", "Kim Jong-un") counts once per token."""
    return len(_WORD_RE.findall(text))


# --------------------------------------------------------------------------------------------------
# Actors
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Country:
    key: str
    name: str  # "la France"
    de: str  # "de la France"
    a: str  # "à la France"
    capital: str
    city: str  # another large city
    adj: str  # masculine singular: "français"
    adj_mpl: str
    adj_fpl: str
    fem: bool
    office: str  # who issues statements: "l'Élysée", "le Kremlin"...
    agency: str  # the news agency usually quoted


@dataclass(frozen=True)
class _Person:
    country: str
    name: str
    surname: str  # for headlines: "Macron"
    hon: str  # in running text: "M. Macron"
    title: str  # "le président français"
    fem: bool = False


_C = _Country
_COUNTRIES: tuple[_Country, ...] = (
    _C("FR", "la France", "de la France", "à la France", "Paris", "Marseille", "français", "français",
       "françaises", True, "l'Élysée", "l'Élysée"),
    _C("CN", "la Chine", "de la Chine", "à la Chine", "Pékin", "Shanghai", "chinois", "chinois", "chinoises",
       True, "le ministère chinois des Affaires étrangères", "l'agence Chine nouvelle"),
    _C("RU", "la Russie", "de la Russie", "à la Russie", "Moscou", "Saint-Pétersbourg", "russe", "russes",
       "russes", True, "le Kremlin", "l'agence TASS"),
    _C("US", "les États-Unis", "des États-Unis", "aux États-Unis", "Washington", "New York", "américain",
       "américains", "américaines", False, "la Maison Blanche", "la Maison Blanche"),
    _C("UA", "l'Ukraine", "de l'Ukraine", "à l'Ukraine", "Kiev", "Lviv", "ukrainien", "ukrainiens",
       "ukrainiennes", True, "la présidence ukrainienne", "l'agence Ukrinform"),
    _C("KP", "la Corée du Nord", "de la Corée du Nord", "à la Corée du Nord", "Pyongyang", "Wonsan",
       "nord-coréen", "nord-coréens", "nord-coréennes", True, "l'agence officielle KCNA",
       "l'agence officielle KCNA"),
    _C("KR", "la Corée du Sud", "de la Corée du Sud", "à la Corée du Sud", "Séoul", "Busan", "sud-coréen",
       "sud-coréens", "sud-coréennes", True, "le bureau présidentiel sud-coréen", "l'agence Yonhap"),
    _C("JP", "le Japon", "du Japon", "au Japon", "Tokyo", "Osaka", "japonais", "japonais", "japonaises",
       False, "le ministère japonais des Affaires étrangères", "l'agence Kyodo"),
    _C("DE", "l'Allemagne", "de l'Allemagne", "à l'Allemagne", "Berlin", "Munich", "allemand", "allemands",
       "allemandes", True, "la chancellerie allemande", "l'agence DPA"),
    _C("GB", "le Royaume-Uni", "du Royaume-Uni", "au Royaume-Uni", "Londres", "Manchester", "britannique",
       "britanniques", "britanniques", False, "Downing Street", "l'agence PA"),
    _C("IT", "l'Italie", "de l'Italie", "à l'Italie", "Rome", "Milan", "italien", "italiens", "italiennes",
       True, "le palais Chigi", "l'agence Ansa"),
    _C("IN", "l'Inde", "de l'Inde", "à l'Inde", "New Delhi", "Bombay", "indien", "indiens", "indiennes", True,
       "le ministère indien des Affaires étrangères", "l'agence PTI"),
    _C("TR", "la Turquie", "de la Turquie", "à la Turquie", "Ankara", "Istanbul", "turc", "turcs", "turques",
       True, "la présidence turque", "l'agence Anadolu"),
    _C("BR", "le Brésil", "du Brésil", "au Brésil", "Brasilia", "São Paulo", "brésilien", "brésiliens",
       "brésiliennes", False, "le palais du Planalto", "l'agence Agência Brasil"),
    _C("ES", "l'Espagne", "de l'Espagne", "à l'Espagne", "Madrid", "Barcelone", "espagnol", "espagnols",
       "espagnoles", True, "la Moncloa", "l'agence EFE"),
    _C("CA", "le Canada", "du Canada", "au Canada", "Ottawa", "Toronto", "canadien", "canadiens",
       "canadiennes", False, "le bureau du Premier ministre canadien", "la Presse canadienne"),
    _C("AU", "l'Australie", "de l'Australie", "à l'Australie", "Canberra", "Sydney", "australien",
       "australiens", "australiennes", True, "le gouvernement australien", "l'agence AAP"),
    _C("ZA", "l'Afrique du Sud", "de l'Afrique du Sud", "à l'Afrique du Sud", "Pretoria", "Johannesburg",
       "sud-africain", "sud-africains", "sud-africaines", True, "la présidence sud-africaine",
       "la présidence sud-africaine"),
    _C("ID", "l'Indonésie", "de l'Indonésie", "à l'Indonésie", "Jakarta", "Surabaya", "indonésien",
       "indonésiens", "indonésiennes", True, "la présidence indonésienne", "l'agence Antara"),
    _C("EU", "l'Union européenne", "de l'Union européenne", "à l'Union européenne", "Bruxelles", "Strasbourg",
       "européen", "européens", "européennes", True, "la Commission européenne",
       "un porte-parole de la Commission"),
    _C("IR", "l'Iran", "de l'Iran", "à l'Iran", "Téhéran", "Ispahan", "iranien", "iraniens", "iraniennes",
       False, "la présidence iranienne", "l'agence Irna"),
    _C("PL", "la Pologne", "de la Pologne", "à la Pologne", "Varsovie", "Cracovie", "polonais", "polonais",
       "polonaises", True, "la chancellerie polonaise", "l'agence PAP"),
    _C("PH", "les Philippines", "des Philippines", "aux Philippines", "Manille", "Cebu", "philippin",
       "philippins", "philippines", True, "le palais de Malacañang", "l'agence PNA"),
    _C("VN", "le Vietnam", "du Vietnam", "au Vietnam", "Hanoï", "Hô Chi Minh-Ville", "vietnamien",
       "vietnamiens", "vietnamiennes", False, "le ministère vietnamien des Affaires étrangères",
       "l'agence VNA"),
    _C("QA", "le Qatar", "du Qatar", "au Qatar", "Doha", "Lusail", "qatari", "qataris", "qataries", False,
       "le cabinet de l'émir", "l'agence QNA"),
    _C("SA", "l'Arabie saoudite", "de l'Arabie saoudite", "à l'Arabie saoudite", "Riyad", "Djeddah",
       "saoudien", "saoudiens", "saoudiennes", True, "la cour royale saoudienne", "l'agence officielle SPA"),
    _C("MX", "le Mexique", "du Mexique", "au Mexique", "Mexico", "Guadalajara", "mexicain", "mexicains",
       "mexicaines", False, "la présidence mexicaine", "la présidence mexicaine"),
    _C("BY", "la Biélorussie", "de la Biélorussie", "à la Biélorussie", "Minsk", "Grodno", "bélarusse",
       "bélarusses", "bélarusses", True, "la présidence bélarusse", "l'agence Belta"),
)
_COUNTRY: dict[str, _Country] = {c.key: c for c in _COUNTRIES}

_P = _Person
_LEADERS: tuple[_Person, ...] = (
    _P("FR", "Emmanuel Macron", "Macron", "M. Macron", "le président français"),
    _P("CN", "Xi Jinping", "Xi", "M. Xi", "le président chinois"),
    _P("RU", "Vladimir Poutine", "Poutine", "M. Poutine", "le président russe"),
    _P("US", "Donald Trump", "Trump", "M. Trump", "le président américain"),
    _P("UA", "Volodymyr Zelensky", "Zelensky", "M. Zelensky", "le président ukrainien"),
    _P("KP", "Kim Jong-un", "Kim", "M. Kim", "le dirigeant nord-coréen"),
    _P("KR", "Lee Jae-myung", "Lee", "M. Lee", "le président sud-coréen"),
    _P("JP", "Shigeru Ishiba", "Ishiba", "M. Ishiba", "le Premier ministre japonais"),
    _P("DE", "Friedrich Merz", "Merz", "M. Merz", "le chancelier allemand"),
    _P("GB", "Keir Starmer", "Starmer", "M. Starmer", "le Premier ministre britannique"),
    _P("IT", "Giorgia Meloni", "Meloni", "Mme Meloni", "la Première ministre italienne", True),
    _P("IN", "Narendra Modi", "Modi", "M. Modi", "le Premier ministre indien"),
    _P("TR", "Recep Tayyip Erdogan", "Erdogan", "M. Erdogan", "le président turc"),
    _P("BR", "Luiz Inácio Lula da Silva", "Lula", "M. Lula", "le président brésilien"),
    _P("ES", "Pedro Sánchez", "Sánchez", "M. Sánchez", "le chef du gouvernement espagnol"),
    _P("CA", "Mark Carney", "Carney", "M. Carney", "le Premier ministre canadien"),
    _P("AU", "Anthony Albanese", "Albanese", "M. Albanese", "le Premier ministre australien"),
    _P("ZA", "Cyril Ramaphosa", "Ramaphosa", "M. Ramaphosa", "le président sud-africain"),
    _P("ID", "Prabowo Subianto", "Prabowo", "M. Prabowo", "le président indonésien"),
    _P("EU", "Ursula von der Leyen", "von der Leyen", "Mme von der Leyen",
       "la présidente de la Commission européenne", True),
    _P("IR", "Massoud Pezeshkian", "Pezeshkian", "M. Pezeshkian", "le président iranien"),
    _P("PL", "Donald Tusk", "Tusk", "M. Tusk", "le Premier ministre polonais"),
    _P("PH", "Ferdinand Marcos Jr.", "Marcos", "M. Marcos", "le président philippin"),
    _P("VN", "Tô Lâm", "Tô Lâm", "M. Lam", "le secrétaire général du Parti communiste vietnamien"),
    _P("QA", "Tamim ben Hamad Al-Thani", "l'émir du Qatar", "l'émir", "l'émir du Qatar"),
    _P("SA", "Mohammed ben Salmane", "Mohammed ben Salmane", "le prince héritier",
       "le prince héritier saoudien"),
    _P("MX", "Claudia Sheinbaum", "Sheinbaum", "Mme Sheinbaum", "la présidente mexicaine", True),
    _P("BY", "Alexandre Loukachenko", "Loukachenko", "M. Loukachenko", "le président bélarusse"),
)
_LEADER: dict[str, _Person] = {p.country: p for p in _LEADERS}

_MINISTERS: tuple[_Person, ...] = (
    _P("RU", "Sergueï Lavrov", "Lavrov", "M. Lavrov", "le ministre russe des Affaires étrangères"),
    _P("CN", "Wang Yi", "Wang Yi", "M. Wang", "le ministre chinois des Affaires étrangères"),
    _P("US", "Marco Rubio", "Rubio", "M. Rubio", "le secrétaire d'État américain"),
    _P("FR", "Jean-Noël Barrot", "Barrot", "M. Barrot", "le ministre français des Affaires étrangères"),
    _P("UA", "Andriï Sybiha", "Sybiha", "M. Sybiha", "le ministre ukrainien des Affaires étrangères"),
    _P("KP", "Choe Son-hui", "Choe Son-hui", "Mme Choe", "la ministre nord-coréenne des Affaires étrangères",
       True),
    _P("JP", "Takeshi Iwaya", "Iwaya", "M. Iwaya", "le ministre japonais des Affaires étrangères"),
    _P("DE", "Johann Wadephul", "Wadephul", "M. Wadephul", "le ministre allemand des Affaires étrangères"),
    _P("EU", "Kaja Kallas", "Kallas", "Mme Kallas", "la cheffe de la diplomatie européenne", True),
    _P("TR", "Hakan Fidan", "Fidan", "M. Fidan", "le ministre turc des Affaires étrangères"),
    _P("IN", "Subrahmanyam Jaishankar", "Jaishankar", "M. Jaishankar",
       "le ministre indien des Affaires étrangères"),
    _P("IR", "Abbas Araghchi", "Araghchi", "M. Araghchi", "le ministre iranien des Affaires étrangères"),
    _P("GB", "David Lammy", "Lammy", "M. Lammy", "le ministre britannique des Affaires étrangères"),
    _P("PL", "Radoslaw Sikorski", "Sikorski", "M. Sikorski", "le ministre polonais des Affaires étrangères"),
    _P("KR", "Cho Hyun", "Cho Hyun", "M. Cho", "le ministre sud-coréen des Affaires étrangères"),
)

# Who answers accusations on behalf of a country, as a sentence subject (apposition commas included),
# and whether to agree in the feminine.
_SPOKESPERSON: dict[str, tuple[str, bool]] = {
    "RU": ("la porte-parole de la diplomatie russe, Maria Zakharova,", True),
    "CN": ("le porte-parole de la diplomatie chinoise, Guo Jiakun,", False),
    "KP": ("un porte-parole du ministère nord-coréen des Affaires étrangères", False),
    "IR": ("le porte-parole de la diplomatie iranienne, Esmaïl Baghaï,", False),
    "US": ("la porte-parole du département d'État, Tammy Bruce,", True),
}
_PARLIAMENT: dict[str, str] = {"US": "le Congrès américain", "EU": "le Parlement européen"}
_GOV_OVERRIDE: dict[str, str] = {"EU": "l'Union européenne"}

# Who may plausibly meet whom: no friendly visit between the two camps, except US-RU talks.
_WEST = frozenset({"FR", "US", "UA", "KR", "JP", "DE", "GB", "IT", "ES", "CA", "AU", "EU", "PL", "PH"})
_EAST = frozenset({"RU", "KP", "BY", "IR"})
_ALLOWED_CROSS = frozenset({frozenset({"US", "RU"})})
_THIRD = ("FR", "DE", "GB", "JP", "IN", "TR", "BR", "CA", "AU", "EU", "ES", "IT", "KR", "ZA", "ID", "QA")

# --------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------

_WEEKDAYS = WEEKDAY_NAMES
_MONTHS = MONTH_NAMES

_TOPICS = (
    "la sécurité régionale", "le nucléaire civil", "la transition énergétique", "les échanges commerciaux",
    "la guerre en Ukraine", "la situation au Proche-Orient",
    "la sécurité maritime en mer de Chine méridionale", "la lutte contre le changement climatique",
    "les droits de douane", "la coopération spatiale", "les semi-conducteurs", "les minerais critiques",
    "la sécurité alimentaire", "les migrations", "la non-prolifération nucléaire",
    "l'intelligence artificielle", "la dénucléarisation de la péninsule coréenne",
    "la réforme du Conseil de sécurité de l'ONU", "la dette des pays en développement", "la cybersécurité",
)
_SECTORS = (
    "l'aéronautique", "l'énergie", "l'agriculture", "les infrastructures portuaires", "l'éducation",
    "la santé", "le numérique", "les transports ferroviaires", "la défense", "le tourisme",
    "les énergies renouvelables", "la recherche scientifique", "l'industrie automobile",
    "le secteur bancaire",
)
_SUMMITS = (
    ("du sommet du G20", "Johannesburg"), ("de l'Assemblée générale des Nations unies", "New York"),
    ("du sommet de l'Asean", "Kuala Lumpur"), ("du forum de l'Apec", "Gyeongju"),
    ("du sommet des Brics", "Rio de Janeiro"), ("de la conférence sur la sécurité", "Munich"),
    ("du sommet du G7", "Kananaskis"), ("de la COP30", "Belém"), ("du sommet de l'Otan", "La Haye"),
    ("du Forum économique mondial", "Davos"),
)
_ATMOS = ("constructive", "franche et cordiale", "chaleureuse", "studieuse", "parfois tendue", "amicale",
          "de confiance mutuelle", "pragmatique")
_QFRAG = ("préserver la stabilité régionale", "bâtir une relation fondée sur la confiance",
          "renforcer les échanges entre nos peuples", "défendre le multilatéralisme",
          "ouvrir un nouveau chapitre", "approfondir notre partenariat stratégique",
          "agir ensemble face aux crises")
_QFRAG2 = ("un dialogue franc et constructif", "des échanges commerciaux plus équilibrés",
           "une coopération concrète et durable", "un ordre international fondé sur des règles",
           "une solution négociée aux crises en cours", "davantage d'investissements croisés")
_QUOTES = (
    "Nous avons le devoir de parler à tout le monde, y compris à ceux avec qui nous sommes en désaccord",
    "La paix ne se décrète pas, elle se construit patiemment",
    "Aucun pays ne peut relever seul les défis de notre époque",
    "Nous ne céderons ni aux pressions ni aux menaces",
    "Le temps est venu de passer des paroles aux actes",
    "Notre porte reste ouverte au dialogue, mais notre patience a des limites",
    "Il n'y aura pas de sécurité durable sans respect du droit international",
)
_HORIZONS = ("d'ici la fin de l'année", "dans les prochains mois", "au printemps prochain", "à l'automne",
             "avant l'été", "dans les prochaines semaines")
_REL_ADJ = ("diplomatiques", "étroites", "parfois tendues", "cordiales", "suivies")
_REL_ISSUES = ("des différends commerciaux", "des divergences sur la guerre en Ukraine",
               "une coopération croissante en matière de défense", "un net rapprochement économique",
               "des désaccords sur la question des droits humains", "une série de visites de haut niveau")
_PROVISIONS = (
    "la création d'un comité mixte chargé du suivi des projets",
    "la levée de certaines restrictions à l'exportation de produits agricoles",
    "un programme d'échanges pour {n_students} étudiants par an",
    "la construction de {n_units} centrales solaires d'ici 2030",
    "des investissements croisés de {amount} sur cinq ans",
    "l'ouverture de {n_units} nouvelles liaisons aériennes directes",
)
_ANALYSES = (
    "ce dossier pourrait peser sur les prochaines négociations internationales",
    "la région entre dans une phase d'incertitude prolongée",
    "les marges de manœuvre des deux capitales restent étroites",
    "ce dossier illustre la fragmentation croissante de l'ordre international",
    "la situation pourrait évoluer rapidement dans les prochains jours",
    "les opinions publiques suivent ce dossier de plus en plus près",
)
_ATMOS_PL = ("constructives", "franches et cordiales", "chaleureuses", "approfondies", "parfois tendues",
             "pragmatiques")
_REMARKS = ("une séquence diplomatique chargée", "un signal important", "un moment délicat",
            "une évolution attendue depuis longtemps", "un tournant possible")
_PRIOR_EVENTS = (
    "une réunion du Conseil de sécurité de l'ONU consacrée à la question",
    "la tenue à {Z_cap} d'une conférence internationale sur {topic2}",
    "un déplacement {Z_L_de_title} {Z_L} à {Y_cap}",
    "un sommet du G20 marqué par de profondes divisions",
    "la publication d'un rapport de l'ONU très critique",
)
_CONTEXT_NOTES = ("les négociations sur un cessez-le-feu en Ukraine piétinent",
                  "les tensions commerciales entre Washington et Pékin se sont ravivées",
                  "plusieurs pays européens accroissent fortement leurs dépenses militaires",
                  "la situation au Proche-Orient reste très tendue",
                  "Pyongyang a procédé à une nouvelle série d'essais de missiles")
_CALLS = ("à un cessez-le-feu immédiat en Ukraine", "à une réforme du Conseil de sécurité de l'ONU",
          "à la reprise du dialogue avec {Y_cap}", "à « ne pas céder au protectionnisme »",
          "à une mobilisation internationale sur {topic}", "à la retenue dans la crise en cours")
_JUDGEMENTS = ("inacceptable", "encourageante", "incompréhensible", "constructive", "préoccupante")
_DENIAL_ADJ = ("absurdes", "infondées", "mensongères", "grotesques", "illégitimes", "calomnieuses")
_DENIAL_CLAIMS = ("respecte strictement le droit international", "n'a rien à se reprocher",
                  "n'a jamais mené de telles activités", "ne se laissera pas intimider")
_RIPOSTE = ("proportionnée", "adaptée", "ferme", "appropriée")
_RESTRAINT = ("faire preuve de retenue", "respecter le droit international", "privilégier le dialogue",
              "éviter toute escalade")
_SANCTION_QUOTES = (
    "Nous continuerons d'utiliser tous les outils à notre disposition pour faire respecter nos règles",
    "Ceux qui contournent les sanctions doivent en payer le prix",
    "Nous ne laisserons pas ces réseaux prospérer",
    "Ces mesures visent à tarir les sources de financement de ces activités",
)
_SANCTIONERS: dict[str, str] = {
    "US": "le secrétaire au Trésor, Scott Bessent",
    "EU": "la cheffe de la diplomatie européenne, Kaja Kallas",
    "GB": "le chef de la diplomatie britannique, David Lammy",
    "JP": "le porte-parole du gouvernement japonais, Yoshimasa Hayashi",
    "CA": "la ministre canadienne des Affaires étrangères, Anita Anand",
    "AU": "la ministre australienne des Affaires étrangères, Penny Wong",
}
_SANCTION_REASONS: dict[str, tuple[str, ...]] = {
    "RU": ("d'aider Moscou à contourner les restrictions sur les exportations de composants électroniques",
           "de transporter du pétrole russe au-delà du plafond de prix fixé par le G7",
           "d'avoir fourni des équipements à l'industrie de défense russe",
           "de participer à des opérations de désinformation en Europe"),
    "IR": ("de soutenir le programme de missiles balistiques iranien",
           "d'exporter du pétrole iranien en violation des sanctions",
           "d'avoir fourni des drones à la Russie"),
    "KP": ("de financer les programmes d'armement nord-coréens grâce à des cyberattaques",
           "de faciliter l'envoi de travailleurs informatiques nord-coréens à l'étranger",
           "d'avoir organisé des transferts illicites de pétrole en mer"),
    "BY": ("d'aider la Russie à contourner les sanctions occidentales",
           "d'avoir participé à la répression de l'opposition"),
}
_STRIKE_CITIES = ("Kharkiv", "Odessa", "Zaporijjia", "Dnipro", "Soumy", "Kherson", "Mykolaïv", "Kryvyï Rih",
                  "Tchernihiv", "Poltava", "Lviv", "Kiev", "Jytomyr", "Vinnytsia")
_UA_OFFICIALS = ("le gouverneur régional", "le maire de la ville", "le ministère ukrainien de l'Intérieur",
                 "le parquet régional")
_ALLIES = ("l'Otan", "les Occidentaux", "les alliés de Kiev", "les Européens")
_MIL_TARGETS = ("installations du complexe militaro-industriel", "dépôts de munitions",
                "infrastructures utilisées par l'armée ukrainienne", "sites de production de drones")
_CONDEMN = ("odieuses", "inacceptables", "délibérées", "barbares")
# (accuser, accused, charge with its preposition, headline)
_ACCUSATIONS = (
    ("UA", "RU", "d'avoir déporté illégalement des milliers d'enfants ukrainiens", "déportations d'enfants"),
    ("KR", "KP", "de brouiller les signaux GPS près de la frontière maritime", "brouillage GPS"),
    ("PH", "CN", "d'avoir manœuvré dangereusement près d'un navire des garde-côtes philippins",
     "incident en mer"),
    ("US", "CN", "d'avoir orchestré des cyberattaques contre des infrastructures critiques", "cyberattaques"),
    ("GB", "RU", "de mener une campagne de sabotage et d'espionnage sur le sol britannique", "sabotage"),
    ("PL", "RU", "d'avoir violé son espace aérien avec des drones", "drones"),
    ("JP", "CN", "d'avoir laissé des navires de ses garde-côtes pénétrer dans les eaux japonaises "
     "près des îles Senkaku", "Senkaku"),
    ("DE", "RU", "de mener une campagne de désinformation en ligne", "désinformation"),
    ("FR", "RU", "d'ingérence numérique visant le débat public français", "ingérence numérique"),
)
# (supplier, recipient, hedged past participle phrase, headline phrase)
_ALLEGATIONS = (
    ("KP", "RU", "livré plusieurs millions d'obus d'artillerie à la Russie", "livré des obus à la Russie"),
    ("IR", "RU", "fourni des missiles balistiques de courte portée à la Russie",
     "fourni des missiles à Moscou"),
    ("CN", "RU", "vendu des composants électroniques à double usage à l'industrie militaire russe",
     "vendu des composants militaires à Moscou"),
    ("RU", "KP", "transféré des technologies de satellites militaires à la Corée du Nord",
     "aidé Pyongyang dans le spatial"),
    ("KP", "RU", "envoyé des milliers de soldats supplémentaires en Russie", "envoyé de nouvelles troupes"),
)
_INTEL: dict[str, str] = {
    "KR": "le Service national de renseignement (NIS) sud-coréen",
    "US": "le renseignement américain",
    "UA": "le renseignement militaire ukrainien (GUR)",
    "GB": "le ministère britannique de la Défense",
    "JP": "le ministère japonais de la Défense",
}
_SINCE_HEDGE = ("à l'été 2023", "dès la fin de l'année 2023", "au printemps 2024", "il y a plusieurs mois")
_AID_DONORS = ("FR", "DE", "GB", "JP", "CA", "EU", "IT", "ES", "PL", "AU", "US")
_AID_TARGETS = ("l'achat de systèmes de défense antiaérienne", "la production de drones en Ukraine",
                "la reconstruction des infrastructures énergétiques", "le déminage des zones libérées",
                "l'achat de munitions d'artillerie")
_AID_ITEMS = ("des munitions d'artillerie", "des systèmes de défense antiaérienne", "des véhicules blindés",
              "des générateurs électriques", "du matériel de déminage", "des drones de reconnaissance",
              "des équipements médicaux", "des radars de surveillance")
_NTH = ("deuxième", "troisième", "quatrième", "cinquième")

_SOURCES = ("Le Courrier du Monde", "Dépêches Express", "L'Écho international", "La Gazette de l'Est",
            "Le Quotidien des Nations", "Horizon Asie", "Le Petit Diplomate", "Le Veilleur",
            "Agence Méridien", "La Voix des Capitales", "Le Fil d'Actu", "Nouvelles du Globe")
_BOILERPLATE = ("Partager", "Suivez-nous sur X", "Abonnez-vous à notre newsletter", "Commentaires (0)")

# --------------------------------------------------------------------------------------------------
# Templates. Context slots: A, B (people), X, Y (countries), Z (a third country), day and friends.
# Person slots: P, P_sur, P_hon, P_title, P_Title, P_e. Country slots: see _country_slots.
# --------------------------------------------------------------------------------------------------

_LEADS: dict[str, tuple[str, ...]] = {
    "visit": (
        "{A_Title} {A} a été reçu{A_e} {day} à {Y_cap} par {B_title} {B}, selon {Y_agency}.",
        "{A_Title} {A} est arrivé{A_e} {day} à {Y_cap} pour une visite de {n_days} jours, la première à ce "
        "niveau depuis {year_last}, destinée à relancer la coopération sur {topic}.",
        "En visite à {Y_cap}, {A_title} {A} s'est entretenu{A_e} {day} avec {B_title} {B} sur {topic} et "
        "{topic2}, a rapporté {Y_agency}.",
    ),
    "meeting": (
        "{A_Title} {A} et {B_title} {B} se sont rencontré{AB_s} {day} à {place}, en marge {summit}, pour "
        "évoquer {topic} et {topic2}.",
        "{A_Title} {A} a rencontré {day} {B_title} {B} à {place}, en marge {summit}, lors d'un entretien "
        "portant sur {topic}, a indiqué {X_office}.",
    ),
    "agreement": (
        "{X_Name} et {Y} ont signé {day} {n_agr} accords de coopération dans {sector1}, {sector2} et "
        "{sector3}, à l'occasion d'une visite {A_de_title} {A} à {Y_cap}.",
        "{A_Title} {A} et {B_title} {B} ont paraphé {day} à {Y_cap} un accord-cadre sur {topic}, accompagné "
        "de {n_agr} protocoles d'entente dans {sector1} et {sector2}, selon {Y_agency}.",
    ),
    "phone": (
        "{A_Title} {A} et {B_title} {B} se sont entretenu{AB_s} {day} par téléphone pendant {minutes} "
        "minutes et se sont engagé{AB_s} à renforcer leur coopération sur {topic}, selon {X_office}.",
        "{A_Title} {A} s'est entretenu{A_e} {day} par téléphone avec {B_title} {B}, au lendemain {prior_de}, "
        "a indiqué {X_office}.",
    ),
    "sanctions": (
        "{X_Gov} a annoncé {day} des sanctions contre {n_ent} entités et {n_ppl} personnes {Y_adj_fpl} "
        "accusées {reason}.",
        "{X_Gov} a dévoilé {day} une nouvelle série de sanctions visant {n_ent} sociétés {Y_adj_fpl}, dont "
        "plusieurs banques et armateurs, accusées {reason}.",
    ),
    "strikes": (
        "L'Ukraine a accusé {day} la Russie d'avoir mené dans la nuit de {prev_day} à {day} des frappes de "
        "missiles et de drones sur {s_city}, qui ont fait au moins {n_dead} morts et {n_inj} blessés, selon "
        "les autorités locales.",
        "Au moins {n_dead} personnes ont été tuées et {n_inj} blessées dans une attaque de drones russes "
        "contre {s_city} dans la nuit de {prev_day} à {day}, a annoncé {ua_official}.",
        "Kiev a dénoncé {day} une « attaque massive » de la Russie contre les infrastructures énergétiques "
        "de la région {s_de}, qui a privé d'électricité quelque {n_homes} 000 foyers et fait {n_inj} "
        "blessés.",
    ),
    "accusation": (
        "{X_Gov} a accusé {day} {Y} {acc}, des accusations aussitôt rejetées par {Y_cap}.",
        "{X_cap} a formellement accusé {day} {Y} {acc} et convoqué l'ambassadeur {Y_adj} pour lui signifier "
        "sa « vive protestation ».",
    ),
    "allegation": (
        "{X_Name} aurait {alleg}, selon des responsables {W_adj_mpl}, des accusations démenties par {X_cap}.",
        "{X_Name} est soupçonné{X_e} d'avoir {alleg}, ont affirmé {day} des responsables {W_adj_mpl} sous "
        "couvert d'anonymat.",
    ),
    "aid": (
        "{X_cap} a annoncé {day} une aide de {amount} {Y_a}, destinée notamment {aid_target}, lors d'une "
        "visite {B_de_title} {B}.",
        "{A_Title} {A} a promis {day} de livrer {Y_a} {aid_item1} et {aid_item2} supplémentaires, pour un "
        "montant de {amount}.",
    ),
    "statement": (
        "« {quote} », a déclaré {day} {A_title} {A} lors d'une conférence de presse à {X_cap}.",
        "{A_Title} {A} a appelé {day} {call}, dans un discours prononcé à {X_cap} devant {audience}.",
    ),
}

# Headlines, aligned index by index with _LEADS so that a headline never announces what the lead lacks.
_TITLES: dict[str, tuple[str, ...]] = {
    "visit": ("{A_sur} reçu{A_e} à {Y_cap} par {B_sur}", "{A_sur} en visite à {Y_cap}",
              "{A_sur} en visite à {Y_cap}"),
    "meeting": ("Rencontre entre {A_sur} et {B_sur} à {place}",
                "{A_sur} et {B_sur} font le point sur {topic}"),
    "agreement": ("{X_Name} et {Y} signent {n_agr} accords de coopération",
                  "{A_sur} et {B_sur} signent un accord-cadre sur {topic}"),
    "phone": ("{A_sur} et {B_sur} promettent de coopérer sur {topic}",
              "Entretien téléphonique entre {A_sur} et {B_sur}"),
    "sanctions": ("Nouvelles sanctions {X_adj_fpl} contre {n_ent} entités {Y_adj_fpl}",
                  "{X_cap} sanctionne {n_ent} sociétés {Y_adj_fpl}"),
    "strikes": ("{s_city} : au moins {n_dead} morts dans des frappes russes",
                "Au moins {n_dead} morts dans une attaque de drones sur {s_city}",
                "Attaque russe contre le réseau électrique de la région {s_de}"),
    "accusation": ("{X_cap} accuse {Y_cap}, qui dément",
                   "{acc_head} : {X_cap} convoque l'ambassadeur {Y_adj}"),
    "allegation": ("{X_cap} dément avoir {alleg_head}", "{X_Name} soupçonné{X_e} d'avoir {alleg_head}"),
    "aid": ("{X_cap} annonce {amount} d'aide pour l'Ukraine", "{A_sur} promet une nouvelle aide à Kiev"),
    "statement": ("« {quote} », affirme {A_sur}", "{A_sur} appelle {call}"),
}

_DIPLO_BODY = (
    "Les deux dirigeants ont évoqué {topic}, ainsi que {topic2}, a précisé {X_office} dans un communiqué.",
    "Selon {Y_agency}, les entretiens se sont déroulés dans une atmosphère « {atmos} ».",
    "{A_hon} a insisté sur la nécessité {qfrag_de}, tandis que {B_hon} a plaidé pour « {qfrag2} ».",
    "Aucune déclaration commune n'a été publiée à l'issue de la rencontre, mais un diplomate {X_adj} a "
    "évoqué des discussions « {atmos_pl} ».",
    "Les deux parties sont convenues de se revoir {horizon}, a indiqué {Y_office}.",
    "{X_Name} et {Y} entretiennent des relations {rel_adj} depuis {year_rel}, marquées ces dernières années "
    "par {rel_issue}.",
    "Les échanges commerciaux entre les deux pays ont atteint {trade} milliards de dollars l'an dernier, en "
    "hausse de {pct} %, selon des chiffres officiels.",
    "La question devrait de nouveau être abordée à {summit2_place}, en marge {summit2}, {horizon}.",
)
_UNVERIFIED = "Ces informations n'ont pas pu être vérifiées de manière indépendante."
_CONFLICT_BODY = (
    "{Z_Gov} a dit suivre la situation « avec une grande attention », appelant toutes les parties à "
    "{restraint}.",
    "Interrogé{Y_spk_e} par la presse, {Y_spk} a jugé ces accusations « {denial_adj} ».",
    "{Y_cap} dément régulièrement ce type d'accusations, qu'il qualifie {denial_de}.",
    "Selon des diplomates en poste à {Z_cap}, l'affaire devrait être évoquée lors d'une prochaine réunion du "
    "Conseil de sécurité de l'ONU.",
)
# Background: third-party reactions and context. The only templates that may recur in a long article
# (each time with other slot values); every other template is used at most once per article.
_BACKGROUND = (
    "{Z_Gov} a dit suivre ces développements « avec une grande attention ».",
    "Ces développements interviennent {n_weeks} semaines après {prior}.",
    "Des analystes estiment que {analysis}.",
    "{Z_L_Title} {Z_L} doit s'exprimer sur le sujet {next_day}, selon son entourage.",
    "Selon {Z_agency}, {Z_L_title} {Z_L} a évoqué la question {day} lors d'un entretien téléphonique avec "
    "son homologue {X_adj}.",
    "À {Z_cap}, {Z_office} a appelé à « la plus grande prudence » dans l'interprétation de ces annonces.",
    "Un diplomate {Z_adj} en poste à {Y_cap}, qui a requis l'anonymat, a évoqué « {remark} ».",
    "Les principaux quotidiens {Z_adj_mpl} consacraient une large place à ce dossier dans leurs éditions "
    "de {day}.",
    "{Z_Spk} a estimé que la situation exigeait « {need} ».",
)
_BODY: dict[str, tuple[str, ...]] = {
    "visit": (
        "{A_hon} doit se rendre {next_day} à {Y_city}, avant de regagner {X_cap} {next_day2}.",
        "Accueilli{A_e} avec les honneurs militaires, {A_hon} s'est entretenu{A_e} pendant près de {hours} "
        "heures avec son hôte, d'abord en format restreint puis en présence des délégations.",
        "Au cours de cette visite, {A_hon} doit également rencontrer des chefs d'entreprise et des "
        "étudiants, a précisé {X_office}.",
        "{B_hon} a accepté une invitation à se rendre à {X_cap} « à une date qui lui conviendra », selon "
        "{X_agency}.",
    ),
    "meeting": (
        "L'entretien, d'une durée d'environ {minutes} minutes, était le {nth} entre les deux dirigeants "
        "depuis le début de l'année.",
        "Les deux dirigeants se sont dits prêts à « reprendre un dialogue régulier » au niveau ministériel, "
        "selon {X_agency}.",
    ),
    "agreement": (
        "Le texte prévoit notamment {provision}, a précisé un communiqué publié à l'issue de la cérémonie de "
        "signature.",
        "Parmi les accords signés figurent un contrat portant sur la livraison de {n_planes} avions et un "
        "protocole sur {topic2}, selon {Y_office}.",
        "Ces accords doivent encore être ratifiés par les Parlements des deux pays.",
    ),
    "phone": (
        "Cet appel était le premier entre les deux dirigeants depuis {phone_since}.",
        "Ils ont également évoqué {topic2} et convenu de se rencontrer « dès que possible », a rapporté "
        "{Y_agency}.",
    ),
    "statement": (
        "Ces propos interviennent alors que {context_note}.",
        "{A_hon} a également jugé « {judgement} » la position {Y_de_cap} sur {topic}.",
        "Selon un sondage publié {day}, {poll_pct} % des personnes interrogées approuvent la ligne "
        "{A_de_hon} sur ce dossier.",
        "Ses déclarations ont suscité de vives réactions à {Y_cap}, où {Y_office} a dénoncé des propos "
        "« {judgement_pl} ».",
        "{A_hon} doit s'exprimer à nouveau {next_day} devant {audience2}.",
    ),
    "sanctions": (
        "Leurs avoirs sont gelés et il est désormais interdit aux entreprises {X_adj_fpl} de commercer avec "
        "elles.",
        "« {sanction_quote} », a déclaré {sanctioner}.",
        "{Y_cap} a dénoncé des mesures « {denial_adj} » et promis une riposte « {riposte} ».",
        "Il s'agit de la {nth} série de sanctions annoncée depuis le début de l'année contre des intérêts "
        "{Y_adj_mpl}.",
    ),
    "strikes": (
        "Selon l'armée de l'air ukrainienne, la Russie a lancé pendant la nuit {n_missiles} missiles et "
        "{n_drones} drones, dont {n_down} ont été abattus ou neutralisés.",
        "{A_Title} {A} a de nouveau appelé {ally} à livrer « sans délai » des systèmes de défense "
        "antiaérienne supplémentaires, notamment des batteries Patriot.",
        "Le ministère russe de la Défense a affirmé avoir visé des « {mil_target} » et démenti toute frappe "
        "contre des zones résidentielles.",
        "Le maire {s_de} a fait état d'impacts dans {n_districts} quartiers de la ville, dont un immeuble "
        "d'habitation de {n_floors} étages partiellement effondré.",
        "Le secrétaire général de l'Otan, Mark Rutte, a condamné des attaques « {condemn} ».",
        _UNVERIFIED,
    ),
    "accusation": (
        "{X_Office} a indiqué avoir transmis un dossier de {n_pages} pages à ses partenaires internationaux.",
        "Selon {X_agency}, il s'agit du {nth} incident de ce type signalé depuis {month_since}.",
        "{Y_Spk} a qualifié ces accusations {denial_de}, affirmant que son pays « {denial_claim} ».",
    ),
    "allegation": (
        "D'après {intel}, qui s'exprimait {day} devant une commission parlementaire, ces transferts auraient "
        "commencé {since_hedge}.",
        "En échange, {Y} fournirait {X_a} du pétrole, des denrées alimentaires et, possiblement, une "
        "assistance technologique, selon la même source.",
        "{X_cap} a démenti {day} ces informations, les qualifiant {denial_de}, dans une déclaration "
        "relayée par {X_agency}.",
        _UNVERIFIED,
        "Plusieurs capitales occidentales ont dit partager cette évaluation, sans fournir de preuves "
        "publiques.",
        "Si elles étaient confirmées, ces livraisons constitueraient une nouvelle violation des engagements "
        "internationaux {X_de}.",
    ),
    "aid": (
        "Cette enveloppe comprend notamment {aid_item1} et {aid_item2}, a précisé {X_office}.",
        "{B_Title} {B} a salué « une décision forte » et remercié {X_cap} pour son « soutien constant ».",
        "Le Kremlin a dénoncé une aide qui « ne fera que prolonger le conflit ».",
        "Cette aide s'ajoute à une précédente enveloppe de {amount2}, annoncée au début de l'année.",
        "{X_Parl} doit encore approuver une partie de ces crédits {horizon}.",
        "Depuis le début de l'invasion russe en février 2022, {X} a fourni à Kiev une aide évaluée à "
        "{big_amount}.",
    ),
}
_GROUP: dict[str, tuple[str, ...]] = {
    "visit": _DIPLO_BODY, "meeting": _DIPLO_BODY, "agreement": _DIPLO_BODY, "phone": _DIPLO_BODY,
    "statement": (), "sanctions": _CONFLICT_BODY, "strikes": _CONFLICT_BODY, "accusation": _CONFLICT_BODY,
    "allegation": _CONFLICT_BODY, "aid": (),
}
_SCENARIOS = tuple(_LEADS)
_SCENARIO_WEIGHTS = (12, 10, 9, 9, 10, 12, 9, 8, 9, 8)

# --------------------------------------------------------------------------------------------------
# Slot helpers
# --------------------------------------------------------------------------------------------------


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _de(word: str) -> str:
    return f"d'{word}" if word[:1].upper() in "AEIOUYÉÈÊÂÎÔ" else f"de {word}"


def _de_quote(words: str) -> str:
    """'de « ... »' with elision before a vowel: d'« approfondir... »."""
    return f"d'« {words} »" if words[:1].upper() in "AEIOUYÉÈÊÂÎÔ" else f"de « {words} »"


def _contract(prep: str, phrase: str) -> str:
    """'de'/'à' before a noun phrase, with French contraction and elision: du, des, au, aux, d'un."""
    if phrase.startswith("le "):
        return ("du " if prep == "de" else "au ") + phrase[3:]
    if phrase.startswith("les "):
        return ("des " if prep == "de" else "aux ") + phrase[4:]
    if prep == "de" and phrase.startswith(("un ", "une ")):
        return "d'" + phrase
    return f"{prep} {phrase}"


@functools.cache
def _person_slots(prefix: str, p: _Person) -> dict[str, str]:
    return {
        prefix: p.name,
        f"{prefix}_sur": p.surname,
        f"{prefix}_hon": p.hon,
        f"{prefix}_title": p.title,
        f"{prefix}_de_title": _contract("de", p.title),
        f"{prefix}_de_hon": _contract("de", p.hon),
        f"{prefix}_Title": _cap(p.title),
        f"{prefix}_e": "e" if p.fem else "",
    }


@functools.cache
def _country_slots(prefix: str, c: _Country) -> dict[str, str]:
    gov = _GOV_OVERRIDE.get(c.key, f"le gouvernement {c.adj}")
    # "diplomatie" wants the feminine singular: drop the plural "s" of the feminine plural adjective.
    spk, spk_fem = _SPOKESPERSON.get(c.key, (f"le porte-parole de la diplomatie {c.adj_fpl[:-1]}", False))
    return {
        prefix: c.name,
        f"{prefix}_Name": _cap(c.name),
        f"{prefix}_de": c.de,
        f"{prefix}_a": c.a,
        f"{prefix}_cap": c.capital,
        f"{prefix}_de_cap": _de(c.capital),
        f"{prefix}_city": c.city,
        f"{prefix}_adj": c.adj,
        f"{prefix}_adj_mpl": c.adj_mpl,
        f"{prefix}_adj_fpl": c.adj_fpl,
        f"{prefix}_e": "e" if c.fem else "",
        f"{prefix}_gov": gov,
        f"{prefix}_Gov": _cap(gov),
        f"{prefix}_office": c.office,
        f"{prefix}_Office": _cap(c.office),
        f"{prefix}_agency": c.agency,
        f"{prefix}_spk": spk,
        f"{prefix}_Spk": _cap(spk),
        f"{prefix}_spk_e": "e" if spk_fem else "",
        f"{prefix}_Parl": _cap(_PARLIAMENT.get(c.key, f"le Parlement {c.adj}")),
    }


def _amount(rng: random.Random, currency: str) -> str:
    if rng.random() < 0.55:
        return f"{rng.randrange(40, 960, 10)} millions {_de(currency)}"
    tenths = rng.randint(11, 95)
    unit = "milliard" if tenths < 20 else "milliards"
    value = str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10},{tenths % 10}"
    return f"{value} {unit} {_de(currency)}"


def _currency(country: str) -> str:
    return "dollars" if country in {"US", "CA", "AU", "JP"} else "euros"


def _pick_pair(rng: random.Random) -> tuple[str, str]:
    keys = list(_LEADER)
    while True:
        x, y = rng.sample(keys, 2)
        crosses = (x in _WEST and y in _EAST) or (x in _EAST and y in _WEST)
        if not crosses or frozenset({x, y}) in _ALLOWED_CROSS:
            return x, y


_Maker = Callable[[random.Random], str]
_SIMPLE: dict[str, _Maker] = {
    "atmos": lambda r: r.choice(_ATMOS),
    "atmos_pl": lambda r: r.choice(_ATMOS_PL),
    "qfrag_de": lambda r: _de_quote(r.choice(_QFRAG)),
    "denial_de": lambda r: _de_quote(r.choice(_DENIAL_ADJ)),
    "remark": lambda r: r.choice(_REMARKS),
    "need": lambda r: r.choice(("du sang-froid", "une réponse coordonnée", "la plus grande vigilance",
                                "le respect du droit international", "une solution négociée")),
    "poll_pct": lambda r: str(r.randint(24, 71)),
    "judgement_pl": lambda r: r.choice(("inacceptables", "irresponsables", "provocateurs", "regrettables")),
    "audience2": lambda r: r.choice(("les ambassadeurs", "la presse étrangère", "le Parlement",
                                     "les représentants des partenaires sociaux")),
    "qfrag2": lambda r: r.choice(_QFRAG2),
    "horizon": lambda r: r.choice(_HORIZONS),
    "rel_adj": lambda r: r.choice(_REL_ADJ),
    "rel_issue": lambda r: r.choice(_REL_ISSUES),
    "year_rel": lambda r: str(r.randint(1949, 1995)),
    "trade": lambda r: str(r.randint(3, 480)),
    "pct": lambda r: str(r.randint(2, 68)),
    "n_weeks": lambda r: r.choice(("deux", "trois", "quatre", "six", "huit")),
    "analysis": lambda r: r.choice(_ANALYSES),
    "nth": lambda r: r.choice(_NTH),
    "minutes": lambda r: str(r.choice((20, 30, 35, 40, 45, 50, 60, 75, 90))),
    "hours": lambda r: r.choice(("deux", "trois", "quatre")),
    "n_planes": lambda r: str(r.randint(4, 160)),
    "n_students": lambda r: str(r.randrange(100, 5000, 50)),
    "n_units": lambda r: str(r.randint(3, 40)),
    "n_pages": lambda r: str(r.randint(12, 480)),
    "n_missiles": lambda r: str(r.randint(2, 40)),
    "n_drones": lambda r: str(r.randint(20, 480)),
    "n_districts": lambda r: r.choice(("deux", "trois", "quatre", "cinq", "plusieurs")),
    "n_floors": lambda r: str(r.randint(4, 16)),
    "restraint": lambda r: r.choice(_RESTRAINT),
    "denial_adj": lambda r: r.choice(_DENIAL_ADJ),
    "denial_claim": lambda r: r.choice(_DENIAL_CLAIMS),
    "riposte": lambda r: r.choice(_RIPOSTE),
    "judgement": lambda r: r.choice(_JUDGEMENTS),
    "context_note": lambda r: r.choice(_CONTEXT_NOTES),
    "mil_target": lambda r: r.choice(_MIL_TARGETS),
    "condemn": lambda r: r.choice(_CONDEMN),
    "ally": lambda r: r.choice(_ALLIES),
    "sanction_quote": lambda r: r.choice(_SANCTION_QUOTES),
    "since_hedge": lambda r: r.choice(_SINCE_HEDGE),
    "month_since": lambda r: r.choice((*_MONTHS[:6], "le début de l'année")),
}


class _Slots(dict[str, str]):
    """The article's fixed slots, plus background slots drawn on first use for one sentence.

    A fresh instance per sentence means a long article does not repeat itself, and drawing lazily
    means a sentence only pays for the few slots its template uses.
    """

    def __init__(self, rng: random.Random, base: dict[str, str], x: str, y: str) -> None:
        super().__init__()
        self._base = base
        self._rng = rng
        self._x = x
        self._y = y

    def __missing__(self, key: str) -> str:
        fixed = self._base.get(key)
        if fixed is not None:
            return fixed
        rng = self._rng
        maker = _SIMPLE.get(key)
        if maker is not None:
            value = maker(rng)
        elif key.startswith("Z_"):  # a third country and its leader, drawn together
            z_key = rng.choice([k for k in _THIRD if k not in {self._x, self._y}])
            self.update(_country_slots("Z", _COUNTRY[z_key]))
            self.update(_person_slots("Z_L", _LEADER[z_key]))
            return self[key]
        elif key in {"summit2", "summit2_place"}:
            self["summit2"], self["summit2_place"] = rng.choice(_SUMMITS)
            return self[key]
        elif key == "topic2":
            value = rng.choice([t for t in _TOPICS if t != self["topic"]])
        elif key == "n_down":
            launched = int(self["n_missiles"]) + int(self["n_drones"])
            value = str(rng.randint(launched // 2, launched * 19 // 20))
        elif key == "amount2":
            value = _amount(rng, _currency(self._x))
        elif key == "prior":
            value = rng.choice(_PRIOR_EVENTS).format_map(self)
        elif key == "provision":
            value = rng.choice(_PROVISIONS).format_map(self)
        else:
            raise KeyError(key)
        self[key] = value
        return value


@dataclass(frozen=True)
class _Plan:
    scenario: str
    x: str
    y: str
    base: dict[str, str]
    dateline_city: str


def _plan(rng: random.Random, scenario: str, local: datetime) -> _Plan:
    """Choose the actors and the fixed facts (date, place, numbers) of one article."""
    event = local.date() - timedelta(days=rng.choice((0, 1, 1, 1, 2)))

    def weekday(delta: int) -> str:
        return _WEEKDAYS[(event + timedelta(days=delta)).weekday()]

    base: dict[str, str] = {
        "day": weekday(0), "prev_day": weekday(-1), "next_day": weekday(1), "next_day2": weekday(2),
        "topic": rng.choice(_TOPICS),
        "n_days": rng.choice(("deux", "trois", "quatre")),
        "year_last": str(rng.randint(2005, 2019)),
        "n_agr": str(rng.randint(3, 28)),
        "n_ent": str(rng.randint(5, 140)), "n_ppl": str(rng.randint(2, 40)),
        "n_dead": str(rng.randint(2, 24)), "n_inj": str(rng.randint(5, 160)),
        "n_homes": str(rng.randint(12, 380)),
        "audience": rng.choice(("le corps diplomatique", "des étudiants", "le Parlement",
                                "des chefs d'entreprise", "des représentants de la société civile")),
        "quote": rng.choice(_QUOTES),
        "ua_official": rng.choice(_UA_OFFICIALS),
        "phone_since": rng.choice(("plusieurs mois", "le début de l'année", "leur dernière rencontre")),
        "aid_target": _contract("à", rng.choice(_AID_TARGETS)),
    }
    items = rng.sample(_AID_ITEMS, 2)
    base["aid_item1"], base["aid_item2"] = items
    sectors = rng.sample(_SECTORS, 3)
    base["sector1"], base["sector2"], base["sector3"] = sectors
    summit, place = rng.choice(_SUMMITS)
    base["summit"], base["place"] = summit, place
    a: _Person
    b: _Person
    if scenario in {"visit", "meeting", "agreement", "phone", "statement"}:
        x, y = _pick_pair(rng)
        ministers = [m for m in _MINISTERS if m.country == x]
        a = rng.choice(ministers) if scenario == "visit" and ministers and rng.random() < 0.35 else _LEADER[x]
        b = _LEADER[y]
        dateline = {"visit": _COUNTRY[y].capital, "meeting": place, "agreement": _COUNTRY[y].capital}.get(
            scenario, _COUNTRY[x].capital
        )
    elif scenario == "sanctions":
        x, y = rng.choice(tuple(_SANCTIONERS)), rng.choice(tuple(_SANCTION_REASONS))
        a, b = _LEADER[x], _LEADER[y]
        base["reason"] = rng.choice(_SANCTION_REASONS[y])
        base["sanctioner"] = _SANCTIONERS[x]
        dateline = _COUNTRY[x].capital
    elif scenario == "strikes":
        x, y = "UA", "RU"
        a, b = _LEADER[x], _LEADER[y]
        city = rng.choice(_STRIKE_CITIES)
        base["s_city"], base["s_de"] = city, _de(city)
        dateline = "Kiev"
    elif scenario == "accusation":
        x, y, acc, head = rng.choice(_ACCUSATIONS)
        a, b = _LEADER[x], _LEADER[y]
        base["acc"], base["acc_head"] = acc, _cap(head)
        dateline = _COUNTRY[x].capital
    elif scenario == "allegation":
        x, y, alleg, head = rng.choice(_ALLEGATIONS)
        w = rng.choice([k for k in _INTEL if k not in {x, y}])
        a, b = _LEADER[x], _LEADER[y]
        base.update(_country_slots("W", _COUNTRY[w]))
        base["alleg"], base["alleg_head"], base["intel"] = alleg, head, _INTEL[w]
        dateline = _COUNTRY[w].capital
    else:  # aid
        x, y = rng.choice(_AID_DONORS), "UA"
        a, b = _LEADER[x], _LEADER[y]
        base["amount"] = _amount(rng, _currency(x))
        base["big_amount"] = f"{rng.randint(3, 60)} milliards {_de(_currency(x))}"
        dateline = _COUNTRY[x].capital
    base.setdefault("amount", _amount(rng, _currency(x)))
    base.update(_person_slots("A", a))
    base.update(_person_slots("B", b))
    base["AB_s"] = "es" if a.fem and b.fem else "s"
    base.update(_country_slots("X", _COUNTRY[x]))
    base.update(_country_slots("Y", _COUNTRY[y]))
    prior = rng.choice(_PRIOR_EVENTS).format_map(_Slots(rng, base, x, y))
    base["prior_de"] = _contract("de", prior)
    base["call"] = rng.choice(_CALLS).format_map(base)
    return _Plan(scenario, x, y, base, dateline)


def _render(template: str, slots: dict[str, str]) -> str:
    return _cap(template.format_map(slots))


def _body_text(rng: random.Random, plan: _Plan, target_words: int) -> tuple[str, str]:
    """Return (title, text) for a plan, long enough to reach about target_words."""
    def slots() -> dict[str, str]:
        return _Slots(rng, plan.base, plan.x, plan.y)

    first = slots()
    which = rng.randrange(len(_LEADS[plan.scenario]))
    lead = _render(_LEADS[plan.scenario][which], first)
    title = _render(_TITLES[plan.scenario][which], first)
    specific = _BODY[plan.scenario]
    others = [*_GROUP[plan.scenario], *_BACKGROUND]
    rng.shuffle(others)
    # First pass: the scenario's own follow-ups in their written order (some refer back to the lead),
    # interleaved at random with the other templates; long articles then draw background only, so that
    # facts (figures, dates, reactions of the parties) are never stated twice with different values.
    pool: list[str] = []
    queue = list(specific)
    while queue or others:
        take_specific = bool(queue) and (not others or rng.random() < 0.6)
        pool.append(queue.pop(0) if take_specific else others.pop())
    pool.reverse()
    pool_src: Sequence[str] = _BACKGROUND
    paragraphs: list[list[str]] = [[lead]]
    words = word_count(lead)
    seen = {lead}
    para_len = rng.randint(1, 3)
    current: list[str] = []
    attempts = 0
    while words < target_words and attempts < 10_000:
        attempts += 1
        if not pool:
            pool = list(pool_src)
            rng.shuffle(pool)
        sentence = _render(pool.pop(), slots())
        if sentence in seen:
            continue
        n = word_count(sentence)
        if words + n / 2 > target_words and (current or len(paragraphs) > 1):
            break  # stop nearest to the target rather than always overshooting it
        seen.add(sentence)
        current.append(sentence)
        words += n
        if len(current) >= para_len:
            paragraphs.append(current)
            current = []
            para_len = rng.randint(1, 3)
    if current:
        paragraphs.append(current)
    if len(paragraphs) == 1:  # even the shortest dispatch has a second paragraph
        paragraphs.append([_render((specific or _BACKGROUND)[0], slots())])
    return title, "\n\n".join(" ".join(p) for p in paragraphs)


def _paris(utc: datetime) -> datetime:
    """Local Paris time (CET/CEST, EU rule: last Sunday of March and October at 01:00 UTC)."""

    def last_sunday(month: int) -> datetime:
        d = datetime(utc.year, month, 31, 1, tzinfo=UTC)
        return d - timedelta(days=(d.weekday() + 1) % 7)

    summer = last_sunday(3) <= utc < last_sunday(10)
    return utc.astimezone(timezone(timedelta(hours=2 if summer else 1)))


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("œ", "oe")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].rstrip("-")


def _article(rng: random.Random, index: int, spec: WorkloadSpec, local: datetime,
             seen: set[str]) -> dict[str, str]:
    mu = math.log(spec.mean_words) - spec.sigma**2 / 2
    target = min(max(40, round(rng.lognormvariate(mu, spec.sigma))), 20 * spec.mean_words)
    title, text = "", ""
    for _ in range(100):
        scenario = rng.choices(_SCENARIOS, weights=_SCENARIO_WEIGHTS)[0]
        plan = _plan(rng, scenario, local)
        title, text = _body_text(rng, plan, target)
        # Distinct on the bare body, so that cleaning (which drops datelines and boilerplate) cannot
        # turn two different articles into exact duplicates.
        digest = hashlib.sha256(" ".join(text.split()).encode()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            break
    if rng.random() < 0.3:
        dateline = f"{plan.dateline_city}, {local.day} {_MONTHS[local.month - 1]} {local.year} (AFP) - "
        text = dateline + text
    if rng.random() < 0.15:
        text += "\n\n" + "\n".join(rng.sample(_BOILERPLATE, rng.randint(1, 2)))
    source = rng.choice(_SOURCES)
    return {
        "id": f"wl-{spec.seed}-{index:07d}",
        "url": f"https://example.org/{_slug(source)}/{local:%Y/%m/%d}/{_slug(title)}-{index}",
        "source": source,
        "title": title,
        "text": text,
        "lang": "fr",
        "published_at": local.isoformat(timespec="seconds"),
    }


def _check(spec: WorkloadSpec) -> None:
    if spec.articles < 0:
        raise ValueError("articles must be >= 0")
    if spec.mean_words < 1:
        raise ValueError("mean_words must be >= 1")
    if spec.sigma < 0:
        raise ValueError("sigma must be >= 0")
    if not 0.0 <= spec.duplicate_ratio <= 1.0:
        raise ValueError("duplicate_ratio must be within [0, 1]")


def generate(spec: WorkloadSpec) -> list[dict[str, str]]:
    """Articles as producers send them: id, url, source, title, text, lang, published_at."""
    _check(spec)
    rng = random.Random(spec.seed)
    n = spec.articles
    start = datetime(2025, 1, 1, tzinfo=UTC)
    span = 365 * 86_400 - 1
    instants = sorted(start + timedelta(seconds=rng.randrange(span)) for _ in range(n))
    n_dup = min(round(n * spec.duplicate_ratio), max(n - 1, 0))
    duplicates = set(rng.sample(range(1, n), n_dup)) if n_dup else set()
    seen: set[str] = set()
    out: list[dict[str, str]] = []
    for i, instant in enumerate(instants):
        local = _paris(instant)
        if i in duplicates:
            original = out[rng.randrange(i)]
            source = rng.choice(_SOURCES)
            out.append({
                "id": f"wl-{spec.seed}-{i:07d}",
                "url": f"https://example.org/{_slug(source)}/{local:%Y/%m/%d}/{_slug(original['title'])}-{i}",
                "source": source,
                "title": original["title"],
                "text": original["text"],
                "lang": "fr",
                "published_at": local.isoformat(timespec="seconds"),
            })
        else:
            out.append(_article(rng, i, spec, local, seen))
    return out


if __name__ == "__main__":
    for _example in generate(WorkloadSpec(articles=2, mean_words=180)):
        print(json.dumps(_example, ensure_ascii=False, indent=2))
