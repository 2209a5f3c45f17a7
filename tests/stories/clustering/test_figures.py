"""Numbers with units and currencies, normalised and matched across rounding (none of these strings is the fixture's)."""
import math

import pytest

from pipeline.stories.clustering.figures import figures


def one(text):
    found = [f for f in figures(text, 0) if f.dim != "year"]
    assert len(found) == 1, (text, found)
    return found[0]


@pytest.mark.parametrize("a, b", [
    ("€1.1 billion", "1.1 billion euros"), ("EUR 1.1 bn", "€1,1 mld"), ("€1.1bn", "1,1 miljard euro"),
    ("220k households", "220,000 homes"), ("320 MW", "320-megawatt"), ("0.32 GW", "320 megawatts"),
    ("1.28 GWh", "1,280 MWh"), ("two-gigawatt", "2 GW"), ("€0.4 billion", "€400 million"),
    ("$3.4bn", "US$3.36 billion"), ("48,000 customers", "nearly 50,000 customers"),
    ("5.1 million users", "five million users"), ("£250m", "250 million pounds"), ("12%", "12 per cent"),
    ("€1.400 miljoen", "€1.4 billion"), ("a 650-volt part", "650 V"), ("3.5 GHz", "3,500 MHz"),
    ("30 kilometres", "30 km"), ("CHF 2.1 billion", "2.1 billion francs"),
])
def test_the_same_figure_written_two_ways_matches(a, b):
    assert one(a).matches(one(b))


@pytest.mark.parametrize("a, b", [
    ("90 MW", "100 MW"), ("€1.1 billion", "€1.2 billion"), ("€20 million", "$20 million"),
    ("320 MW", "320 MWh"), ("1,100 jobs", "1,300 jobs"), ("12%", "21%"),
])
def test_different_figures_do_not_match(a, b):
    assert not one(a).matches(one(b))


def test_years_match_only_exactly_and_weigh_little():
    y1, y2 = figures("in 2027", 0)[0], figures("by 2028", 0)[0]
    assert y1.dim == "year" and not y1.matches(y2) and y1.weight < 0.5


def test_clock_times_and_model_numbers_are_not_figures():
    assert figures("at 05:30 and 1 a.m., the A12 and HB10 and 5G", 0) == []


def test_english_and_continental_separators():
    assert math.isclose(math.exp(one("€3.125 billion").log), 3.125e9, rel_tol=1e-9)
    assert math.isclose(math.exp(one("1.280 MWh").log), 1.28e9, rel_tol=1e-9)   # continental thousands
    assert math.isclose(math.exp(one("€1,4 mld").log), 1.4e9, rel_tol=1e-9)


def test_salience_follows_position():
    found = figures("Headline with €5 million", 10)
    assert found[0].salient is False
    assert figures("€5 million", 50)[0].salient is True
