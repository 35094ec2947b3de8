"""Generate `00-world.yaml`: every UN member state, its capital and its adjectives of nationality.

Run from the repository root after editing the tables below (or after a Babel/CLDR upgrade):

    uv run python -m service.data.gazetteer.build_world

Sources, field by field (also written into the generated file's header):
- French country names: CLDR territory names, read through Babel (`babel.Locale("fr").territories`),
  a dev dependency only: the generated YAML is committed, so the service never imports Babel.
  `PRESS_NAMES` replaces a CLDR name where the French press writes otherwise, and `NOT_AN_ALIAS`
  drops a CLDR name that is also a common first name ("Maurice", "Dominique", "Salvador").
- UN membership (193 states, unchanged since South Sudan joined in 2011), Wikidata QIDs of
  countries and capitals, capitals in French, seats of government and adjectives: the tables of
  this module. QIDs were written from knowledge and each one cross-checked against a public table
  derived from Wikidata; a capital whose QID could not be checked has none (the loader gives it a
  slug id). Never add a QID you have not checked.

The generated file is read first (its name sorts first), so any hand-written file overrides an
entry by giving the same id; entries whose names another file already holds reuse that file's id
(the country then keeps the hand-written entry, plus the adjectives listed here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from service.gazetteer import _slug, fold

HERE = Path(__file__).parent
OUTPUT = HERE / "00-world.yaml"
DATA_TRUE_AS_OF = "2025-06-30"  # capitals and seats of government; names follow CLDR


@dataclass(frozen=True)
class Member:
    code: str  # ISO 3166-1 alpha-2
    qid: str | None
    capital: str | None  # French name; None when no city can stand for the government (see NO_CAPITAL)
    capital_qid: str | None
    adjectives: tuple[str, ...]  # masculine/feminine singular; plurals are derived


# code  country-QID  capital[=capital-QID]  |  adjectives "masc/fem" (one form when invariable), comma-separated
_TABLE = """
AF Q889 Kaboul=Q5838 | afghan/afghane
AL Q222 Tirana=Q19689 | albanais/albanaise
DZ Q262 Alger=Q3561 | algérien/algérienne
AD Q228 Andorre-la-Vieille=Q1863 | andorran/andorrane
AO Q916 Luanda=Q3897 | angolais/angolaise
AG Q781 Saint John's=Q36262 | antiguais/antiguaise
AR Q414 Buenos Aires=Q1486 | argentin/argentine
AM Q399 Erevan=Q1953 | arménien/arménienne
AU Q408 Canberra=Q3114 | australien/australienne
AT Q40 Vienne=Q1741 | autrichien/autrichienne
AZ Q227 Bakou=Q9248 | azerbaïdjanais/azerbaïdjanaise, azéri/azérie
BS Q778 Nassau=Q2467 | bahaméen/bahaméenne
BH Q398 Manama=Q3882 | bahreïni/bahreïnie, bahreïnien/bahreïnienne
BD Q902 Dacca=Q1354 | bangladais/bangladaise
BB Q244 Bridgetown=Q36168 | barbadien/barbadienne
BY Q184 Minsk=Q2280 | biélorusse
BE Q31 Bruxelles=Q239 | belge
BZ Q242 Belmopan=Q3043 | bélizien/bélizienne
BJ Q962 Porto-Novo=Q3799 | béninois/béninoise
BT Q917 Thimphou=Q9270 | bhoutanais/bhoutanaise
BO Q750 La Paz | bolivien/bolivienne
BA Q225 Sarajevo=Q11194 | bosnien/bosnienne
BW Q963 Gaborone=Q3919 | botswanais/botswanaise
BR Q155 Brasilia=Q2844 | brésilien/brésilienne
BN Q921 Bandar Seri Begawan=Q9279 | brunéien/brunéienne
BG Q219 Sofia=Q472 | bulgare
BF Q965 Ouagadougou=Q3777 | burkinabè, burkinabé
BI Q967 Gitega=Q167551 | burundais/burundaise
CV Q1011 Praia=Q3751 | cap-verdien/cap-verdienne
KH Q424 Phnom Penh=Q1850 | cambodgien/cambodgienne
CM Q1009 Yaoundé=Q3808 | camerounais/camerounaise
CA Q16 Ottawa=Q1930 | canadien/canadienne
CF Q929 Bangui=Q3832 | centrafricain/centrafricaine
TD Q657 N'Djamena=Q3659 | tchadien/tchadienne
CL Q298 Santiago=Q2887 | chilien/chilienne
CN Q148 Pékin=Q956 | chinois/chinoise
CO Q739 Bogota=Q2841 | colombien/colombienne
KM Q970 Moroni=Q3901 | comorien/comorienne
CG Q971 Brazzaville=Q3844 |
CD Q974 Kinshasa=Q3838 |
CR Q800 San José=Q3070 | costaricien/costaricienne, costaricain/costaricaine
CI Q1008 Yamoussoukro=Q3768 | ivoirien/ivoirienne
HR Q224 Zagreb=Q1435 | croate
CU Q241 La Havane=Q1563 | cubain/cubaine
CY Q229 Nicosie=Q3856 | chypriote
CZ Q213 Prague=Q1085 | tchèque
KP Q423 Pyongyang=Q18808 | nord-coréen/nord-coréenne
KR Q884 Séoul=Q8684 | sud-coréen/sud-coréenne
DK Q35 Copenhague=Q1748 | danois/danoise
DJ Q977 Djibouti-ville=Q3604 | djiboutien/djiboutienne
DM Q784 Roseau=Q36281 | dominiquais/dominiquaise
DO Q786 Saint-Domingue=Q34820 | dominicain/dominicaine
EC Q736 Quito=Q2900 | équatorien/équatorienne
EG Q79 Le Caire=Q85 | égyptien/égyptienne
SV Q792 San Salvador=Q3110 | salvadorien/salvadorienne
GQ Q983 Malabo=Q3818 | équato-guinéen/équato-guinéenne
ER Q986 Asmara=Q3642 | érythréen/érythréenne
EE Q191 Tallinn=Q1770 | estonien/estonienne
SZ Q1050 Mbabane | swazi/swazie
ET Q115 Addis-Abeba=Q3624 | éthiopien/éthiopienne
FJ Q712 Suva=Q38807 | fidjien/fidjienne
FI Q33 Helsinki=Q1757 | finlandais/finlandaise
FR Q142 Paris=Q90 | français/française
GA Q1000 Libreville=Q3825 | gabonais/gabonaise
GM Q1005 Banjul=Q3726 | gambien/gambienne
GE Q230 Tbilissi | géorgien/géorgienne
DE Q183 Berlin=Q64 | allemand/allemande
GH Q117 Accra=Q3761 | ghanéen/ghanéenne
GR Q41 Athènes=Q1524 | grec/grecque
GD Q769 - | grenadien/grenadienne
GT Q774 ville de Guatemala=Q1555 | guatémaltèque
GN Q1006 Conakry=Q3733 | guinéen/guinéenne
GW Q1007 Bissau=Q3739 | bissau-guinéen/bissau-guinéenne
GY Q734 Georgetown=Q10717 | guyanien/guyanienne
HT Q790 Port-au-Prince=Q34261 | haïtien/haïtienne
HN Q783 Tegucigalpa=Q3238 | hondurien/hondurienne
HU Q28 Budapest=Q1781 | hongrois/hongroise
IS Q189 Reykjavik=Q1764 | islandais/islandaise
IN Q668 New Delhi=Q987 | indien/indienne
ID Q252 Jakarta=Q3630 | indonésien/indonésienne
IR Q794 Téhéran=Q3616 | iranien/iranienne
IQ Q796 Bagdad=Q1530 | irakien/irakienne
IE Q27 Dublin=Q1761 | irlandais/irlandaise
IL Q801 Jérusalem=Q1218 | israélien/israélienne
IT Q38 Rome=Q220 | italien/italienne
JM Q766 Kingston=Q34692 | jamaïcain/jamaïcaine
JP Q17 Tokyo=Q1490 | japonais/japonaise
JO Q810 Amman=Q3805 | jordanien/jordanienne
KZ Q232 Astana=Q1520 | kazakh/kazakhe, kazakhstanais/kazakhstanaise
KE Q114 Nairobi=Q3870 | kényan/kényane, kenyan/kenyane
KI Q710 Tarawa-Sud=Q131233 | kiribatien/kiribatienne
KW Q817 Koweït City=Q35178 | koweïtien/koweïtienne
KG Q813 Bichkek=Q9361 | kirghiz/kirghize, kirghize
LA Q819 Vientiane=Q9326 | laotien/laotienne
LV Q211 Riga=Q1773 | letton/lettone
LB Q822 Beyrouth=Q3820 | libanais/libanaise
LS Q1013 Maseru=Q3909 | lésothien/lésothienne
LR Q1014 Monrovia=Q3748 | libérien/libérienne
LY Q1016 Tripoli=Q3579 | libyen/libyenne
LI Q347 Vaduz=Q1844 | liechtensteinois/liechtensteinoise
LT Q37 Vilnius=Q216 | lituanien/lituanienne
LU Q32 Luxembourg-Ville=Q1842 | luxembourgeois/luxembourgeoise
MG Q1019 Antananarivo=Q3915 | malgache
MW Q1020 Lilongwe=Q3876 | malawien/malawienne, malawite
MY Q833 Kuala Lumpur=Q1865 | malaisien/malaisienne
MV Q826 Malé=Q9347 | maldivien/maldivienne
ML Q912 Bamako=Q3703 | malien/malienne
MT Q233 La Valette=Q23800 | maltais/maltaise
MH Q709 Majuro=Q12919 | marshallais/marshallaise
MR Q1025 Nouakchott=Q3688 | mauritanien/mauritanienne
MU Q1027 Port-Louis=Q3929 | mauricien/mauricienne
MX Q96 Mexico=Q1489 | mexicain/mexicaine
FM Q702 Palikir=Q42751 | micronésien/micronésienne
MD Q217 Chisinau=Q21197 | moldave
MC Q235 - | monégasque
MN Q711 Oulan-Bator=Q23430 | mongol/mongole
ME Q236 Podgorica=Q23564 | monténégrin/monténégrine
MA Q1028 Rabat=Q3551 | marocain/marocaine
MZ Q1029 Maputo=Q3889 | mozambicain/mozambicaine
MM Q836 Naypyidaw=Q37400 | birman/birmane
NA Q1030 Windhoek=Q3935 | namibien/namibienne
NR Q697 - | nauruan/nauruane
NP Q837 Katmandou=Q3037 | népalais/népalaise
NL Q55 Amsterdam=Q727 | néerlandais/néerlandaise
NZ Q664 Wellington=Q23661 | néo-zélandais/néo-zélandaise
NI Q811 Managua=Q3274 | nicaraguayen/nicaraguayenne
NE Q1032 Niamey=Q3674 | nigérien/nigérienne
NG Q1033 Abuja=Q3787 | nigérian/nigériane, nigérian/nigérianne
MK Q221 Skopje=Q384 | macédonien/macédonienne, nord-macédonien/nord-macédonienne
NO Q20 Oslo=Q585 | norvégien/norvégienne
OM Q842 Mascate=Q3826 | omanais/omanaise
PK Q843 Islamabad=Q1362 | pakistanais/pakistanaise
PW Q695 Ngerulmud=Q515229 | palaosien/palaosienne
PA Q804 ville de Panama=Q3306 | panaméen/panaméenne
PG Q691 Port Moresby=Q36526 | papouan-néo-guinéen/papouane-néo-guinéenne
PY Q733 Asuncion=Q2933 | paraguayen/paraguayenne
PE Q419 Lima=Q2868 | péruvien/péruvienne
PH Q928 Manille=Q1461 | philippin/philippine
PL Q36 Varsovie=Q270 | polonais/polonaise
PT Q45 Lisbonne=Q597 | portugais/portugaise
QA Q846 Doha=Q3861 | qatari/qatarie, qatarien/qatarienne
RO Q218 Bucarest=Q19660 | roumain/roumaine
RU Q159 Moscou=Q649 | russe
RW Q1037 Kigali=Q3859 | rwandais/rwandaise
KN Q763 Basseterre=Q41295 | kittitien/kittitienne
LC Q760 - | saint-lucien/saint-lucienne
VC Q757 Kingstown=Q41474 | vincentais/vincentaise
WS Q683 Apia=Q36260 | samoan/samoane
SM Q238 ville de Saint-Marin=Q1848 | saint-marinais/saint-marinaise
ST Q1039 Sao Tomé=Q3932 | santoméen/santoméenne
SA Q851 Riyad=Q3692 | saoudien/saoudienne
SN Q1041 Dakar=Q3718 | sénégalais/sénégalaise
RS Q403 Belgrade=Q3711 | serbe
SC Q1042 - | seychellois/seychelloise
SL Q1044 Freetown=Q3780 | sierra-léonais/sierra-léonaise
SG Q334 - | singapourien/singapourienne
SK Q214 Bratislava=Q1780 | slovaque
SI Q215 Ljubljana=Q437 | slovène
SB Q685 Honiara=Q40921 | salomonais/salomonaise
SO Q1045 Mogadiscio=Q2449 | somalien/somalienne
ZA Q258 Pretoria | sud-africain/sud-africaine
SS Q958 Juba=Q1947 | sud-soudanais/sud-soudanaise
ES Q29 Madrid=Q2807 | espagnol/espagnole
LK Q854 Colombo | sri-lankais/sri-lankaise
SD Q1049 Khartoum=Q1963 | soudanais/soudanaise
SR Q730 Paramaribo=Q3001 | surinamais/surinamaise
SE Q34 Stockholm=Q1754 | suédois/suédoise
CH Q39 Berne=Q70 | suisse
SY Q858 Damas | syrien/syrienne
TJ Q863 Douchanbé=Q9365 | tadjik/tadjike
TZ Q924 Dodoma=Q3866 | tanzanien/tanzanienne
TH Q869 Bangkok=Q1861 | thaïlandais/thaïlandaise
TL Q574 Dili=Q9310 | timorais/timoraise, est-timorais/est-timoraise
TG Q945 Lomé=Q3792 | togolais/togolaise
TO Q678 Nuku'alofa=Q38834 | tongien/tongienne
TT Q754 Port-d'Espagne=Q39178 | trinidadien/trinidadienne
TN Q948 Tunis=Q3572 | tunisien/tunisienne
TR Q43 Ankara=Q3640 | turc/turque
TM Q874 Achgabat=Q23438 | turkmène
TV Q672 Funafuti=Q34126 | tuvaluan/tuvaluane
UG Q1036 Kampala=Q3894 | ougandais/ougandaise
UA Q212 Kiev=Q1899 | ukrainien/ukrainienne
AE Q878 Abou Dhabi=Q1519 | émirati/émiratie
GB Q145 Londres=Q84 | britannique
US Q30 Washington=Q61 | américain/américaine
UY Q77 Montevideo=Q1335 | uruguayen/uruguayenne
UZ Q265 Tachkent=Q269 | ouzbek/ouzbèke
VU Q686 Port-Vila=Q37806 | vanuatais/vanuataise
VE Q717 Caracas=Q1533 | vénézuélien/vénézuélienne
VN Q881 Hanoï=Q1858 | vietnamien/vietnamienne
YE Q805 Sanaa | yéménite
ZM Q953 Lusaka=Q3881 | zambien/zambienne
ZW Q954 Harare=Q3921 | zimbabwéen/zimbabwéenne
"""

# The name the French press uses when it is not CLDR's, with the CLDR name kept as an alias.
PRESS_NAMES = {
    "MM": "Birmanie",
    "CD": "République démocratique du Congo",
    "CG": "Congo",
    "SV": "El Salvador",
    "DM": "Commonwealth de la Dominique",
    "MU": "île Maurice",
    "TL": "Timor oriental",
    "VC": "Saint-Vincent-et-les-Grenadines",
}
# CLDR names that are also common first names: as patterns they would turn "Maurice Papon" or
# "Salvador Allende" into places, so they are not aliases.
NOT_AN_ALIAS = {"Maurice", "Dominique", "Salvador", "Myanmar (Birmanie)"}

ALIASES: dict[str, list[str]] = {
    "AF": ["Afghanistan"], "AG": ["Antigua"], "BA": ["Bosnie"], "BH": ["Bahrein"],
    "BN": ["Brunéi", "Brunei Darussalam"], "BO": ["Bolivia"], "BY": ["Bélarus"],
    "CD": ["RDC", "RD Congo", "Congo-Kinshasa", "Congo Kinshasa", "Congo-RDC"],
    "CF": ["Centrafrique", "RCA"], "CG": ["Congo-Brazzaville", "Congo Brazzaville", "République du Congo"],
    "CI": ["Cote d'Ivoire"], "CV": ["Cabo Verde"], "CZ": ["République tchèque"],
    "DM": ["Dominica"],
    "GB": ["Grande-Bretagne"], "GQ": ["Guinée-Équatoriale"], "KN": ["Saint-Kitts-et-Nevis"],
    "KG": ["Kirghizistan"], "KR": ["République de Corée"], "KP": ["RPDC"], "MD": ["Moldova"],
    "MK": ["Macédoine"], "MM": ["Myanmar"], "MU": ["Mauritius", "République de Maurice"],
    "NG": ["Nigéria"], "LR": ["Libéria"], "PW": ["Palau"], "FM": ["États fédérés de Micronésie"],
    "SA": ["Arabie Saoudite"], "SZ": ["Swaziland", "eSwatini"],
    "ST": ["São Tomé-et-Príncipe", "Sao Tomé-et-Príncipe"], "TL": ["Timor-Leste", "Timor-Oriental"],
    "TR": ["Türkiye"], "TT": ["Trinidad-et-Tobago"], "US": ["USA"], "VN": ["Viêt Nam"],
    "YE": ["Yémen"], "AE": ["EAU"],
}
CAPITAL_ALIASES: dict[str, list[str]] = {
    "AE": ["Abu Dhabi", "Abou Dabi"], "AG": ["St. John's"], "AM": ["Yerevan", "Erevan"],
    "BD": ["Dhaka"], "BR": ["Brasília"], "BT": ["Thimphu"], "CO": ["Bogotá"], "CM": ["Yaounde"],
    "EG": ["Caire"], "ET": ["Addis Abeba", "Addis Ababa", "Addis-Abbeba"], "GT": ["Guatemala City", "Ciudad de Guatemala"],
    "IQ": ["Baghdad"], "IS": ["Reykjavík"], "ID": ["Djakarta"], "KG": ["Bishkek"], "KW": ["Kuwait City"],
    "KI": ["Tarawa", "South Tarawa"], "LU": ["Luxembourg-ville"], "MD": ["Chișinău", "Kichinev"],
    "MG": ["Tananarive"], "MM": ["Naypyitaw", "Nay Pyi Taw", "Naypyidaw"], "MN": ["Oulan Bator", "Ulaanbaatar"],
    "MT": ["Valletta"], "NP": ["Kathmandu"], "OM": ["Muscat"], "PA": ["Panama City"], "PG": ["Port-Moresby"],
    "PH": ["Manila"], "PY": ["Asunción"], "SA": ["Riyadh"], "SO": ["Mogadishu"], "SS": ["Djouba"],
    "ST": ["São Tomé"], "TD": ["Ndjamena", "N'Djaména"], "TJ": ["Dushanbe", "Douchanbe"], "TG": ["Lome"],
    "TM": ["Ashgabat", "Achkhabad"], "TT": ["Port of Spain"], "UZ": ["Tashkent"], "VU": ["Port Vila"],
    "YE": ["Sana'a", "Sanaa'"], "ZA": [], "CH": ["Bern"], "DJ": ["Djibouti ville", "Djibouti-Ville"],
    "MV": [], "SM": [], "CU": [], "KZ": ["Nour-Soultan"], "LK": [], "BO": [],
}
# Cities the press uses for a government that sits outside its official capital.
SEATS_OF_GOVERNMENT: dict[str, list[str]] = {"BJ": ["Cotonou"], "CI": ["Abidjan"]}
# No city stands for the government, with the reason (the tests read this table).
NO_CAPITAL = {
    "SG": "city-state: Singapour is the country itself",
    "MC": "city-state: Monaco is the country itself",
    "NR": "no official capital",
    "SC": "capital Victoria is a common first name and place name",
    "GD": "capital Saint-Georges is a common place name in French",
    "LC": "capital Castries is also a French surname (de Castries)",
}
# A capital held by a rival authority does not stand for the recognised government.
NOT_STANDING_FOR = {"YE": "Sanaa is held by the Houthis; the recognised government sits in Aden"}


def _parse_table() -> dict[str, Member]:
    members: dict[str, Member] = {}
    for line in _TABLE.strip().splitlines():
        head, _, adjectives = line.partition("|")
        code, qid, *capital_words = head.split()
        capital_field = " ".join(capital_words)
        capital, _, capital_qid = capital_field.partition("=")
        members[code] = Member(
            code=code,
            qid=qid or None,
            capital=None if capital in ("", "-") else capital,
            capital_qid=capital_qid or None,
            adjectives=tuple(a.strip() for a in adjectives.split(",") if a.strip()),
        )
    return members


UN_MEMBERS = _parse_table()


def inflections(adjective: str) -> list[str]:
    """'malien/malienne' -> malien, malienne, maliens, maliennes; 'belge' -> belge, belges."""
    masculine, _, feminine = adjective.partition("/")
    forms = [masculine, feminine or masculine]
    forms += [f if f.endswith(("s", "x")) else f + "s" for f in forms]
    return list(dict.fromkeys(forms))


def _existing_ids(own: Path) -> dict[str, str]:
    """Folded surface form -> id, from every other gazetteer file (hand-written files win)."""
    ids: dict[str, str] = {}
    for path in sorted(HERE.glob("*.yaml")):
        if path == own:
            continue
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            entity_id = str(raw.get("id") or _slug(str(raw["label"]), str(raw["name"])))
            for form in [raw["name"], *(raw.get("aliases") or [])]:
                ids.setdefault(fold(str(form)), entity_id)
    return ids


def _resolve(forms: list[str], default: str, existing: dict[str, str]) -> str:
    for form in forms:
        if fold(form) in existing:
            return existing[fold(form)]
    return default


def build(territories: dict[str, str], existing: dict[str, str]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for code in sorted(UN_MEMBERS, key=lambda c: fold(PRESS_NAMES.get(c, territories[c]))):
        member = UN_MEMBERS[code]
        cldr = territories[code].replace("’", "'")
        name = PRESS_NAMES.get(code, cldr)
        aliases = [a for a in [cldr, *ALIASES.get(code, [])] if a != name and a not in NOT_AN_ALIAS]
        country_id = _resolve([name, *aliases], member.qid or _slug("LOC", name), existing)
        if member.qid and country_id.startswith("Q") and country_id != member.qid:
            raise ValueError(f"{code}: another gazetteer file gives {country_id}, this table {member.qid}")
        country: dict[str, Any] = {"id": country_id, "name": name, "label": "LOC", "country": code}
        if aliases:
            country["aliases"] = list(dict.fromkeys(aliases))
        demonyms = [form for adjective in member.adjectives for form in inflections(adjective)]
        if demonyms:
            country["demonyms"] = list(dict.fromkeys(demonyms))
        entries.append(country)
        cities = [(member.capital, member.capital_qid, CAPITAL_ALIASES.get(code, []))] if member.capital else []
        cities += [(seat, None, []) for seat in SEATS_OF_GOVERNMENT.get(code, [])]
        for city, city_qid, city_aliases in cities:
            assert city is not None
            if fold(city) in existing:
                continue  # a hand-written entry already has this city, with its own stands_for
            entry: dict[str, Any] = {"name": city, "label": "LOC", "country": code}
            if city_qid:
                entry = {"id": city_qid, **entry}
            if city_aliases:
                entry["aliases"] = [a for a in city_aliases if fold(a) not in existing and a != city]
                if not entry["aliases"]:
                    del entry["aliases"]
            if code not in NOT_STANDING_FOR:
                entry["stands_for"] = country_id
            entries.append(entry)
    return entries


HEADER = """\
# GENERATED by service/data/gazetteer/build_world.py; do not edit by hand: change the script's tables
# (or add a hand-written file that overrides an entry by id) and run
#     uv run python -m service.data.gazetteer.build_world
#
# Every UN member state (193), its capital standing for its government, and its adjectives of
# nationality (`demonyms:`, read by service/gazetteer.py; data/demonyms.yaml wins on a clash).
# This file sorts first, so hand-written files (core.yaml, leaders.yaml...) override its entries.
#
# Data true as of {as_of}; generated {today}.
# Sources: French names: CLDR {cldr} territory names via Babel {babel} (press usage and aliases:
# the script's PRESS_NAMES / ALIASES tables). Membership, capitals (French names), seats of
# government, adjectives and Wikidata QIDs: the script's own tables; QIDs cross-checked against a
# public Wikidata-derived country table, left out where not checked.
"""


def _dump(entry: dict[str, Any]) -> str:
    """One mapping per entity, lists in flow style, as in the hand-written files."""
    lines = []
    for i, (key, value) in enumerate(entry.items()):
        text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6)
        text = text.removesuffix("\n").removesuffix("\n...").strip()
        lines.append(f"{'- ' if i == 0 else '  '}{key}: {text}\n")
    return "".join(lines)


def main() -> None:
    import babel
    from babel.core import get_cldr_version

    territories = dict(babel.Locale("fr").territories)
    missing = sorted(set(UN_MEMBERS) - set(territories))
    if len(UN_MEMBERS) != 193 or missing:
        raise SystemExit(f"expected 193 UN members known to CLDR; {len(UN_MEMBERS)} listed, missing {missing}")
    entries = build(territories, _existing_ids(OUTPUT))
    header = HEADER.format(as_of=DATA_TRUE_AS_OF, today=dt.date.today().isoformat(),
                           cldr=get_cldr_version(), babel=babel.__version__)
    body = "".join(("\n" if entry.get("demonyms") is not None or "stands_for" not in entry else "") + _dump(entry)
                   for entry in entries)
    OUTPUT.write_text(header + body, encoding="utf-8")
    print(f"{OUTPUT}: {len(entries)} entries")


if __name__ == "__main__":
    main()
