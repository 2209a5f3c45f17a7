from pipeline.text import html_to_text, slug, split_sentences, word_count


def test_html_to_text_drops_markup_scripts_and_bidi_overrides():
    text = html_to_text('<p>Caf&eacute; &amp; <b>bar</b></p><script>alert(1)</script><p>Two\u202e lines</p>')
    assert text == "Café & bar\nTwo lines"


def test_split_sentences_keeps_abbreviations_and_initials():
    text = 'Dr. Berg said the U.S. plant costs 1.2 billion euros. "We are ready," said Anna K. Berg. It opens in 2028!'
    assert split_sentences(text) == [
        "Dr. Berg said the U.S. plant costs 1.2 billion euros.",
        '"We are ready," said Anna K. Berg.',
        "It opens in 2028!",
    ]


def test_word_count_and_slug():
    assert word_count("Norvik's 2.4 billion-euro plant") == 5
    assert slug("../../etc/passwd <Shelby>") == "etc-passwd-shelby"
    assert slug("***") == "item"


def test_undefined_entity_references_are_dropped_and_real_ampersands_kept():
    assert html_to_text("Hello &lol9; world") == "Hello world"
    assert html_to_text("<p>Text &amp;lol9 here &amp;bogus;</p>") == "Text here"  # as feedparser hands them on
    assert html_to_text("&#x41;&#66; &amp; &eacute;") == "AB & \u00e9"
    assert html_to_text("AT&amp;T and Q&A sign; R&amp;D &amp; more") == "AT&T and Q&A sign; R&D & more"
