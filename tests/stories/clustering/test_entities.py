"""Named entities: sentence-initial capitals, Title Case headlines, initials, places (strings written for the tests)."""
from datetime import datetime, timezone

from pipeline.stories.clustering import Item, analyse
from pipeline.stories.clustering.entities import features
from pipeline.stories.clustering.evidence import conflict

T = datetime(2026, 12, 1, 8, tzinfo=timezone.utc)


def keys(items):
    return [set(f.keys) for f in features(items)]


def test_sentence_initial_common_words_are_not_names_but_unknown_words_are():
    items = [Item("Shareholders cheer as Orvanta lifts dividend",
                  "Shareholders of Orvanta got a higher dividend. Brussels welcomed the news. Analysts said "
                  "shareholders and analysts were pleased.", T, "A")]
    found = keys(items)[0]
    assert "orvanta" in found and "brussels" in found
    assert "shareholders" not in found and "analysts" not in found


def test_title_case_headline_words_are_only_names_when_the_batch_says_so():
    items = [Item("Orvanta Lifts Dividend After Strong Quarter", "Orvanta raised its payout.", T, "A")]
    found = keys(items)[0]
    assert found == {"orvanta"}


def test_company_name_variants_are_one_entity():
    f = features([Item("Orvanta Systems' new chip", "Orvanta Systems said. Later Orvanta's CEO spoke.", T, "A")])[0]
    names = [e for e in f.entities if "orvanta" in e.keys]
    assert len(names) == 1


def test_initials_match_the_full_name():
    a, b = features([
        Item("Loan for a wind farm", "The European Investment Bank lent €200 million to Velmar Wind.", T, "A"),
        Item("EIB backs Velmar Wind", "The EIB will lend €200 million to Velmar Wind.", T, "B"),
    ])
    assert any(e.alias == "eib" for e in a.entities) and "eib" in b.keys


def test_places_and_nationalities_are_not_subjects():
    f = features([Item("Dutch startup raises money in Amsterdam", "Amsterdam start-ups raised more.", T, "A")])[0]
    assert f.subjects == frozenset()


def test_template_headlines_about_two_firms_conflict():
    a, b = features([
        Item("German startup raises €15 million in Series A round",
             "Munich-based Kaldera, which makes heat storage bricks, raised €15 million led by Alpen Capital.", T, "A"),
        Item("German startup raises €15 million in Series A round",
             "Berlin's Quellwerk, a maker of water sensors, closed a €15 million round led by Spree Partners.", T, "B"),
    ])
    assert conflict(a, b)


def test_two_outlets_on_one_firm_do_not_conflict():
    a, b = features([
        Item("Kaldera raises €15 million", "Kaldera, a Munich maker of heat storage bricks, raised €15 million.", T, "A"),
        Item("Heat-brick maker lands Series A", "Alpen Capital led the round in Kaldera, the Munich company.", T, "B"),
    ])
    assert not conflict(a, b)


def test_shared_first_names_of_different_people_count_little():
    an = analyse([Item("Daan Visscher joins Orvanta", "Daan Visscher is the new chair of Orvanta.", T, "A"),
                  Item("Daan Bakker leaves Telmaro", "Daan Bakker quits the board of Telmaro.", T, "B")])
    assert an.evidence(0, 1).score < 0.5
