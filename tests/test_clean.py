"""Cleaning: boilerplate out, the date header read, offsets kept, HTML through trafilatura."""

from __future__ import annotations

from datetime import UTC, datetime

from service.clean import clean, fold_for_nlp


def test_boilerplate_lines_are_dropped() -> None:
    raw = ("Accueil » Monde » Asie\nLe Japon et la Corée du Sud ont tenu un sommet à Tokyo.\n"
           "Suivez-nous sur Google Actualités\nLoading...\nLeave a Comment\n")
    cleaned = clean(raw)
    assert cleaned.text == "Le Japon et la Corée du Sud ont tenu un sommet à Tokyo."
    assert cleaned.report.boilerplate_lines == 4


def test_repeated_headline_is_kept_once() -> None:
    raw = "Sommet à Tokyo\nSommet à Tokyo\nLes deux dirigeants se sont rencontrés."
    cleaned = clean(raw)
    assert cleaned.text.count("Sommet à Tokyo") == 1 and cleaned.report.duplicate_lines == 1


def test_date_header_line_gives_published_at() -> None:
    cleaned = clean("3 Février 2025 09:30 (UTC+01:00)\nLa Pologne a expulsé deux diplomates.")
    assert cleaned.published_at is not None
    assert cleaned.published_at.astimezone(UTC) == datetime(2025, 2, 3, 8, 30, tzinfo=UTC)
    assert "Février" not in cleaned.text


def test_dateline_gives_published_at_and_stays_in_text() -> None:
    cleaned = clean("Séoul, 14 mars 2025 (AFP) - Les deux Corées ont échangé des tirs.")
    assert cleaned.published_at == datetime(2025, 3, 14, tzinfo=UTC)
    assert cleaned.text.startswith("Séoul")


def test_no_date_in_text_leaves_published_at_empty() -> None:
    assert clean("Les deux pays ont signé un accord.").published_at is None


def test_fold_for_nlp_keeps_every_offset() -> None:
    text = "« Nous l’avons signé », a dit M. Lee\u00a0—\u202fà Séoul."
    folded = fold_for_nlp(text)
    assert len(folded) == len(text)
    assert folded.index("avons") == text.index("avons")
    assert "’" not in folded and "«" not in folded


def test_html_goes_through_trafilatura() -> None:
    html = ("<html><head><title>Sommet</title></head><body><nav>Accueil | Monde</nav>"
            "<article><p>Le président sud-coréen a reçu mardi à Séoul le Premier ministre japonais pour "
            "un sommet consacré à la sécurité régionale et aux échanges commerciaux entre les deux pays.</p>"
            "<p>Les deux dirigeants ont signé un accord sur le partage de renseignements militaires.</p>"
            "</article><footer>Tous droits réservés</footer></body></html>")
    cleaned = clean(None, html)
    assert cleaned.report.from_html
    assert "partage de renseignements" in cleaned.text
    assert "Tous droits réservés" not in cleaned.text


# ---- cleaning never loses an article sentence ------------------------------------------------------------

def test_paragraph_with_two_quotes_is_kept() -> None:
    line = ("Le maire a dénoncé « une décision injuste » devant le conseil, puis il a promis « de se battre "
            "jusqu'au bout » pour l'école du village.")
    assert clean(line).text == line


def test_breadcrumb_is_dropped() -> None:
    cleaned = clean("Accueil › Monde › Afrique\nLe Sénégal a inauguré un nouveau port à Dakar.")
    assert cleaned.text == "Le Sénégal a inauguré un nouveau port à Dakar."


def test_breadcrumb_without_home_link_is_dropped() -> None:
    cleaned = clean("Économie » Énergie » Nucléaire\nLe réacteur de Flamanville a été raccordé au réseau.")
    assert cleaned.text == "Le réacteur de Flamanville a été raccordé au réseau."
    assert cleaned.report.removed[0].rule == "breadcrumb"


def test_byline_alone_is_dropped() -> None:
    cleaned = clean("Par Jeanne Martin\nLa grève des contrôleurs aériens a été levée lundi.")
    assert cleaned.text == "La grève des contrôleurs aériens a été levée lundi."
    assert cleaned.report.removed[0].rule == "byline"


def test_par_inside_a_sentence_is_kept() -> None:
    line = "Par Lyon passent chaque jour des milliers de camions venus d'Italie."
    assert clean(line).text == line


def test_trailing_read_also_link_goes_and_the_article_part_stays() -> None:
    article = ("Le gouvernement a présenté mercredi son budget pour l'année prochaine. Les dépenses militaires "
               "augmentent de 7 %, selon le ministre des Comptes publics.")
    cleaned = clean(article + " Lire aussi : Le déficit public atteint un nouveau record")
    assert cleaned.text == article
    assert [(r.rule, r.kind) for r in cleaned.report.removed] == [("read_also_link", "fragment")]


def test_lire_aussi_inside_a_sentence_is_kept() -> None:
    line = "Le professeur conseille de lire aussi les auteurs belges, moins connus des élèves."
    assert clean(line).text == line


def test_byline_prefix_goes_and_the_paragraph_stays() -> None:
    article = "Le tribunal de Nantes a relaxé mardi les six militants poursuivis pour dégradation."
    cleaned = clean("Par Jeanne Martin | " + article)
    assert cleaned.text == article
    assert cleaned.report.removed[0].rule == "byline_prefix"


def test_share_bar_suffix_goes_and_the_paragraph_stays() -> None:
    article = "La Banque centrale européenne a laissé ses taux inchangés jeudi à Francfort."
    assert clean(article + " Partager sur Facebook").text == article


def test_sentence_mentioning_the_newsletter_is_kept() -> None:
    line = "Le syndicat a diffusé une newsletter interne appelant les agents à la grève le 12 mars."
    assert clean(line).text == line


def test_newsletter_prompt_line_is_dropped() -> None:
    cleaned = clean("Le port du Havre a battu son record de trafic.\nInscrivez-vous à notre newsletter")
    assert cleaned.text == "Le port du Havre a battu son record de trafic."


def test_one_word_heading_inside_an_article_is_kept() -> None:
    raw = "Le Parlement a adopté la réforme des retraites.\nContexte\nLe texte était discuté depuis janvier."
    assert clean(raw).text == raw


def test_all_caps_acronyms_inside_a_sentence_are_kept() -> None:
    line = "L'ONU et l'OTAN ont condamné l'attaque, a indiqué l'AFP depuis GENÈVE."
    assert clean(line).text == line


def test_all_caps_headline_with_a_sentence_is_kept() -> None:
    line = "LE GOUVERNEMENT ANNONCE UN PLAN POUR LES HÔPITAUX DE PROVINCE."
    assert clean(line).text == line


def test_whole_article_on_one_line_is_kept() -> None:
    line = ("Accueil des réfugiés : la ville ouvre un centre. Le maire a déclaré : « Nous ferons face » et "
            "« personne ne dormira dehors ». Abonnez-vous à la newsletter du centre, a-t-il ajouté en riant. "
            "Les associations saluent l'initiative, mais jugent les moyens insuffisants.")
    assert clean(line).text == line


def test_line_that_is_just_an_outlet_name_is_dropped() -> None:
    cleaned = clean("Ouest-France\nLa marée noire atteint les côtes bretonnes.")
    assert cleaned.text == "La marée noire atteint les côtes bretonnes."
    assert cleaned.report.removed[0].rule == "outlet_name"


def test_line_that_is_the_article_source_is_dropped() -> None:
    cleaned = clean("Le Courrier du Vexin\nLe pont de Magny rouvre samedi.", source="Le Courrier du Vexin")
    assert cleaned.text == "Le pont de Magny rouvre samedi."
    assert cleaned.report.removed[0].rule == "article_source"


def test_widget_sentence_glued_after_a_paragraph_is_cut_off() -> None:
    article = "Le festival d'Avignon a vendu 120 000 billets cette année."
    cleaned = clean(article + " Suivez-nous sur Google Actualités")
    assert cleaned.text == article
    assert cleaned.report.removed[0].kind == "fragment"


# ---- the report says what went and why -------------------------------------------------------------------

def test_report_lists_removed_text_with_its_rule() -> None:
    cleaned = clean("Partager sur Facebook\nLa Loire est à son plus bas niveau depuis trente ans.")
    assert [(r.text, r.rule, r.kind) for r in cleaned.report.removed] == [("Partager sur Facebook", "share_bar", "line")]


def test_report_counts_duplicates_and_date_headers_as_removed() -> None:
    cleaned = clean("12 mars 2025 10:00\nTitre du jour\nTitre du jour\nLe texte de l'article suit ici.")
    assert [(r.rule, r.kind) for r in cleaned.report.removed] == [("date_line", "date_header"),
                                                                  ("duplicate", "duplicate")]


def test_report_list_is_capped_and_the_count_is_complete() -> None:
    raw = "\n".join(f"Partager sur Facebook {n}" for n in range(30)) + "\nLe musée rouvre ses portes."
    report = clean(raw).report
    assert len(report.removed) == 20 and report.removed_count == 30


def test_report_cuts_long_removed_text() -> None:
    paragraph = " ".join(["Les pompiers ont maîtrisé l'incendie de la forêt des Landes dans la nuit."] * 4)
    report = clean(paragraph + "\n" + paragraph).report
    assert len(report.removed[0].text) == 200 and report.removed[0].text.endswith("…")


def test_removed_share_is_removed_chars_over_received_chars() -> None:
    raw = "Partager\nLe musée rouvre ses portes."
    report = clean(raw).report
    assert report.chars_removed == len("Partager")
    assert report.removed_share == round(len("Partager") / len(raw), 4)


def test_paywall_sentences_glued_after_a_paragraph_are_cut_off() -> None:
    article = "Le conseil régional a voté jeudi un plan de 40 millions d'euros pour les lycées."
    cleaned = clean(article + " Il vous reste 64% de cet article à lire. La suite est réservée aux abonnés.")
    assert cleaned.text == article
    assert cleaned.report.removed[0].rule == "paywall"


def test_publication_and_reading_time_line_is_dropped() -> None:
    cleaned = clean("Publié le 4 juin 2024 Lecture : 3 minutes.\nLa rivière a débordé dans la nuit.")
    assert cleaned.text == "La rivière a débordé dans la nuit."
    assert cleaned.report.removed[0].rule == "reading_time"


def test_all_caps_photo_credit_is_dropped() -> None:
    cleaned = clean("PHOTO MARIE DURAND, REUTERS\nLes secours ont évacué trois cents personnes.")
    assert cleaned.text == "Les secours ont évacué trois cents personnes."
    assert cleaned.report.removed[0].rule == "caps_photo_credit"
