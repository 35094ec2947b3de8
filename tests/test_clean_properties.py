"""Cleaning never removes a sentence of the article, whatever the article holds and however it is cut.

Hypothesis builds French articles of generated sentences that hold what trips whole-line rules: « » quotes
and “ ” inside them, "newsletter", "Par X", "lire aussi", ALL-CAPS words and acronyms, › and » inside
text, one-word headings, whole articles on one line; it mixes them with real boilerplate lines, and glues
boilerplate fragments to paragraphs. Every sentence must come out in the cleaned text.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.clean import clean

NAMES = ["Jeanne Martin", "Paul Lefèvre", "Aïcha Diallo", "Marc-Antoine Roux", "Olga Ivanova", "Kim Min-jun"]
SUBJECTS = ["Le ministre de l'Intérieur", "La maire de Lille", "Les syndicats", "L'ONU", "L'OTAN", "Le FMI",
            "La CGT", "Le porte-parole du gouvernement", "Une source diplomatique", "Le président de la région",
            *NAMES]
VERBS = ["a annoncé", "a dénoncé", "a rappelé", "a promis", "a estimé", "a confirmé", "a rejeté",
         "a salué", "a critiqué", "a présenté"]
OBJECTS = ["un plan pour les hôpitaux de province", "la hausse du prix de l'électricité",
           "un accord avec les agriculteurs", "la fermeture de deux usines", "le budget de la défense",
           "une enquête sur les marchés publics", "la réforme de l'assurance chômage", "un sommet à Bruxelles"]
QUOTED = ["nous ne céderons pas", "c'est une faute grave", "le dialogue reste ouvert",
          "abonnez-vous à la vérité, pas aux rumeurs", "lire aussi les petites lignes", "rien n'est joué"]
INSERTS = [
    "",
    ", selon l'AFP",
    " dans sa newsletter du lundi",
    ", signé par {name},",
    " après une réunion à GENÈVE avec l'UE",
    " devant les élus de l'OTAN et de l'ONU",
    ", un texte que chacun devrait lire aussi attentivement",
    " sur Facebook et sur Twitter",
    " malgré la pluie › et le vent",
    " dans un message intitulé « Accueil » puis « Monde »",
]
ENDINGS = [".", " !", " ?", "…", ", a-t-il dit.", ", selon un communiqué."]
HEADINGS = ["Contexte", "Analyse", "Témoignages", "Chronologie", "Enjeux", "Perspectives", "Bilan"]
BOILERPLATE_LINES = ["Accueil › Monde › Europe", "Partager sur Facebook", "Par Jeanne Martin", "Publicité",
                     "Lire aussi : Le prix du gaz en hausse", "Suivez-nous sur Google Actualités", "Loading...",
                     "Commentaires (12)", "Recevez notre newsletter", "© Photo : AFP", "Voir plus",
                     "Facebook Twitter LinkedIn", "Tous droits réservés", "PHOTO LUC BERNARD, AFP",
                     "Temps de lecture : 3 min", "Ouest-France"]
FRAGMENT_SUFFIXES = [" Lire aussi : Le déficit atteint un record", " Partager sur Facebook",
                     " Suivez-nous sur Google Actualités", " La suite est réservée aux abonnés."]
FRAGMENT_PREFIXES = ["Par Paul Lefèvre | "]


@st.composite
def sentences(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(NAMES))
    subject = draw(st.sampled_from(SUBJECTS))
    verb = draw(st.sampled_from(VERBS))
    obj = draw(st.sampled_from(OBJECTS))
    insert = draw(st.sampled_from(INSERTS)).format(name=name)
    quote = draw(st.sampled_from(["", "simple", "nested"]))
    if quote == "simple":
        obj += f", estimant que « {draw(st.sampled_from(QUOTED))} »"
    elif quote == "nested":
        obj += f" en citant « le mot “{draw(st.sampled_from(QUOTED))}” de la veille »"
    opening = draw(st.sampled_from(["", f"Par {name}, ", "Pour la newsletter, ", "EXCLUSIF : "]))
    if opening and subject[0].isupper() and not subject.isupper() and subject not in NAMES:
        subject = subject[0].lower() + subject[1:]
    return f"{opening}{subject} {verb} {obj}{insert}{draw(st.sampled_from(ENDINGS))}"


@st.composite
def articles(draw: st.DrawFn) -> tuple[str, list[str], list[str]]:
    """(raw text, the article's sentences, its one-word headings)."""
    paragraphs = draw(st.lists(st.lists(sentences(), min_size=1, max_size=4), min_size=1, max_size=6))
    headings = draw(st.lists(st.sampled_from(HEADINGS), unique=True, max_size=len(paragraphs)))
    lines: list[str] = []
    for i, paragraph in enumerate(paragraphs):
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(BOILERPLATE_LINES)))
        if i < len(headings):
            lines.append(headings[i])
        line = " ".join(paragraph)
        if draw(st.integers(0, 4)) == 0:
            line = draw(st.sampled_from(FRAGMENT_PREFIXES)) + line
        if draw(st.integers(0, 3)) == 0:
            line += draw(st.sampled_from(FRAGMENT_SUFFIXES))
        lines.append(line)
    if draw(st.integers(0, 4)) == 0:  # the whole article as one line, as some scrapers deliver it
        lines = [" ".join(lines)]
        headings = []
    return "\n".join(lines), [s for p in paragraphs for s in p], headings


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_no_sentence_of_the_article_is_ever_removed(article: tuple[str, list[str], list[str]]) -> None:
    raw, article_sentences, _ = article
    text = clean(raw).text
    missing = [s for s in article_sentences if s not in text]
    assert not missing, (missing, clean(raw).report.removed)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_one_word_headings_inside_an_article_are_kept(article: tuple[str, list[str], list[str]]) -> None:
    raw, _, headings = article
    lines = clean(raw).text.splitlines()
    assert all(h in lines for h in headings)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_boilerplate_lines_between_paragraphs_are_removed(article: tuple[str, list[str], list[str]]) -> None:
    raw, _, _ = article
    lines = clean(raw).text.splitlines()
    assert not [line for line in lines if line in BOILERPLATE_LINES]


@settings(max_examples=300, deadline=None)
@given(st.lists(sentences(), min_size=1, max_size=3).map(" ".join))
def test_a_paragraph_alone_comes_out_whole(paragraph: str) -> None:
    assert clean(paragraph).text == paragraph
