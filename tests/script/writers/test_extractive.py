"""The offline writer: a conversation built from what the sources hold, every fact from the sources.

The days are the bundled samples as `make run` picks them (and the next morning's, once the top
stories are told) and the fictional wire days of tests/fixtures/script/days.yaml: outlets that differ
on a figure, stories with a single source, datelines, bylines and long sentences.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import date

import pytest
import yaml

from pipeline import runner
from pipeline.errors import ConfigError
from pipeline.models import StoriesArtifact, Story
from pipeline.script.checks import Grounds, check_script
from pipeline.script.writers import Host, ScriptBrief
from pipeline.script.writers.offline import ExtractiveWriter
from pipeline.script.writers.offline.facts import quote_in
from pipeline.text import split_sentences, word_count
from tests.conftest import REPO
from tests.fixtures.script import days
from tests.script.conversation import conversation_findings

SHOW = "The Daily Circuit"
HOSTS = ("Oliver", "Shelby")
TARGET = 680  # config.yaml: 4 minutes at 170 words a minute
SAMPLE_TOP = ["https://techwire.example/2026/11/norvik-energy-opens-trondheim-gigafactory",
              "https://techwire.example/2026/11/larkspur-labs-releases-meridian-2"]
FIXTURE_DAYS = {day.date.isoformat(): day for day in days()}


def brief(stories, day: str = "2026-11-30", language: str = "en", target: int = TARGET) -> ScriptBrief:
    return ScriptBrief(show_title=SHOW, language=language, date_iso=day, hosts=(Host("Oliver", "lead"), Host("Shelby", "co")),
                       stories=tuple(stories), target_words=target, prompts_dir=REPO / "prompts")


def write(stories, day: str = "2026-11-30", language: str = "en", target: int = TARGET):
    return ExtractiveWriter(ExtractiveWriter.Options()).write(brief(stories, day, language, target))


def grounds(stories, day: str, language: str = "en") -> Grounds:
    return Grounds(stories=tuple(stories), hosts=HOSTS, show_title=SHOW, day=date.fromisoformat(day),
                   language=language)


def outlets(stories) -> list[str]:
    return [s.source for s in stories] + [a.source for s in stories for a in s.also_reported_by]


@pytest.fixture(scope="module")
def sample_days(tmp_path_factory) -> dict[str, tuple[Story, ...]]:
    """The samples' stories as the stories stage picks them: make run's day, and the next day's with
    the two stories already told passed over (a two-outlet story and a single-source one)."""
    from pipeline.config import load_config
    from tests.conftest import show_config, write_config

    tmp = tmp_path_factory.mktemp("samples")
    config = load_config(write_config(tmp, show_config(tmp)))
    picked = {}
    for day, excluded in (("2026-12-02", []), ("2026-12-03", SAMPLE_TOP)):
        runner.run_day(config, date.fromisoformat(day), only="stories", overrides={"exclude": excluded})
        artifact = StoriesArtifact.model_validate_json((config.work_root / day / "stories.json").read_text())
        picked[day] = tuple(artifact.stories)
    return picked


def all_days(sample_days) -> list[tuple[str, tuple[Story, ...]]]:
    return list(sample_days.items()) + [(d, day.stories) for d, day in FIXTURE_DAYS.items()]


# -- a conversation ------------------------------------------------------------------------------------

def test_every_day_is_a_conversation_that_passes_the_checks(sample_days):
    for day, stories in all_days(sample_days):
        lines = write(stories, day)
        day_grounds = grounds(stories, day)
        assert conversation_findings(lines, HOSTS, day_grounds.texts, [SHOW, *HOSTS, *outlets(stories)]) == [], day
        assert [str(f) for f in check_script(lines, day_grounds, TARGET)] == [], day  # grounding on every line


def test_the_stories_single_source_and_differing_are_in_the_fixtures(sample_days):
    singles = [s for _, stories in all_days(sample_days) for s in stories if not s.also_reported_by]
    assert len(singles) >= 2
    assert "differ" in FIXTURE_DAYS["2026-11-09"].why


def test_each_story_is_set_up_by_its_lead_naming_the_outlet_and_the_second_by_the_other_host(sample_days):
    stories = sample_days["2026-12-02"]
    lines = write(stories, "2026-12-02")
    first_of = {i: next(line for line in lines if line.story == i) for i in (0, 1)}
    assert first_of[0].speaker == "Oliver" and stories[0].source in first_of[0].text
    assert first_of[1].speaker == "Shelby" and stories[1].source in first_of[1].text
    handover = lines[lines.index(first_of[1]) - 1]
    assert handover.story is None and handover.speaker == "Oliver" and "Shelby" in handover.text
    for i in (0, 1):  # each story ends on the other host's recap of its headline
        last = [line for line in lines if line.story == i][-1]
        assert last.speaker != first_of[i].speaker
        assert _words(re.sub(r"[^\w\s-]", "", stories[i].title)) <= _words(last.text)


def test_questions_are_built_from_the_fact_that_answers_them():
    lines = write(FIXTURE_DAYS["2026-11-10"].stories, "2026-11-10")
    pairs = [(q.text, a.text) for q, a in itertools.pairwise(lines) if q.text.endswith("?")]
    asked = {question.rsplit(". ", 1)[-1]: reply for question, reply in pairs}
    # who: the question takes the predicate of the answer, whose subject is a name not said before
    who = next(q for q in asked if q.lower().startswith(("who ", "and who ", "do we know who ")))
    assert who.rstrip("?").split(" who ", 1)[-1].removeprefix("Who ") in asked[who]
    # a count: "And the number of bridges?" is answered by a sentence with a number of bridges
    count = next(q for q in asked if "bridges" in q)
    assert re.search(r"\d+ railway bridges", asked[count])
    vote = next(q for q in asked if "vote" in q or "close" in q or "backed" in q)
    assert "backed by 29" in asked[vote]


def test_both_hosts_carry_facts_in_a_single_source_story():
    stories = FIXTURE_DAYS["2026-11-10"].stories
    assert not stories[0].also_reported_by
    lines = write(stories, "2026-11-10")
    source = set(split_sentences(stories[0].text))
    carriers = {line.speaker for line in lines if line.story == 0
                and any(s in source for s in split_sentences(line.text))}
    assert carriers == set(HOSTS)


def test_where_outlets_differ_one_host_says_both_figures_after_the_other_asks():
    stories = FIXTURE_DAYS["2026-11-09"].stories
    lines = write(stories, "2026-11-09")
    said = [i for i, line in enumerate(lines) if "320 megawatts" in line.text and "1.3 gigawatt-hours" in line.text]
    assert said, "the outlets' differing figures are said"
    turn = lines[said[0]]
    assert turn.text.index("TechWire") < turn.text.index("320 megawatts") < turn.text.index("Euro Innovation")
    assert lines[said[0] - 1].text.endswith("?") and lines[said[0] - 1].speaker != turn.speaker
    costs = [line for line in lines if "410 million euros" in line.text and "395 million euros" in line.text]
    assert costs and "Harbour Herald" in costs[0].text


def test_quotes_are_introduced_before_they_are_read_by_the_same_host(sample_days):
    for day, stories in all_days(sample_days):
        for line in write(stories, day):
            for match in re.finditer(r"[\u201c\"]", line.text):
                before = line.text[:match.start()]
                if line.text.count("\u201c") and match.group() == "\u201c":
                    assert re.search(r"[A-Z][\w\u00c0-\u017f-]+ [A-Z][\w\u00c0-\u017f-]+", before), (day, line.text)
            assert not line.text.startswith(("\u201c", '"')), (day, line.text)


def test_every_outlet_that_adds_a_fact_is_named(sample_days):
    for day, stories in all_days(sample_days):
        lines = write(stories, day)
        for index, story in enumerate(stories):
            spoken = " ".join(line.text for line in lines if line.story == index)
            for article in story.also_reported_by:
                used = any(s in spoken for s in split_sentences(article.text))
                assert not used or article.source in spoken, (day, article.source)


# -- speech, not print ---------------------------------------------------------------------------------

def test_datelines_bylines_and_asides_are_not_read_and_long_sentences_are_split():
    stories = FIXTURE_DAYS["2026-11-09"].stories
    spoken = " ".join(line.text for line in write(stories, "2026-11-09"))
    for printed in ("ROTTERDAM", "(Reuters)", "By Anna de Vries", "Daesan", "MILAN", "(Metro Wire)", "("):
        assert printed not in spoken
    # 46 words in the source: said as its main clause, the trailing participle left out
    assert "has ordered 60 hydrogen-powered trains from the French manufacturer Alvéa for 1.1 billion euros." in spoken


def test_a_sentence_is_split_where_a_clause_begins():
    from pipeline.script.writers.offline.speech import spoken_sentences

    long = ("Havenstroom will sell balancing services to the Dutch grid operator in the west of the country, "
            "which pays batteries to absorb or release power within a few seconds when the frequency of the power grid drifts.")
    assert word_count(long) > 35
    assert spoken_sentences(long) == [
        "Havenstroom will sell balancing services to the Dutch grid operator in the west of the country.",
        "That pays batteries to absorb or release power within a few seconds when the frequency of the power grid drifts."]
    joined = ("The company expects to hire 300 engineers at its new site near the harbour over the next year, "
              "and the city hopes the new plant will draw many suppliers from the rest of the region to the area.")
    assert word_count(joined) > 35
    assert spoken_sentences(joined)[1].startswith("And the city hopes")


def test_no_phrase_of_the_writer_is_said_twice_and_a_rerun_is_identical():
    stories = FIXTURE_DAYS["2026-11-09"].stories
    first, again = write(stories, "2026-11-09"), write(stories, "2026-11-09")
    assert first == again
    other_day = write(stories, "2026-11-16")
    assert [line.text for line in other_day] != [line.text for line in first]  # the phrases vary by date


def test_quote_parsing_finds_speaker_role_and_setting():
    quote = quote_in('"Today we start," said Ingrid Haugland, chief executive of Norvik Energy, at the opening ceremony.')
    assert (quote.words, quote.speaker, quote.role, quote.setting) == (
        "\u201cToday we start.\u201d", "Ingrid Haugland", "chief executive of Norvik Energy", "at the opening ceremony")
    assert quote.organisation == "Norvik Energy" and quote.side == "insider"
    titled = quote_in('"We choose homes," said alderman Sanne Mulder, who proposed the pause.')
    assert titled.speaker == "alderman Sanne Mulder" and titled.role == "who proposed the pause"
    assert quote_in("The company called it a milestone.") is None


# -- the shape every script keeps ------------------------------------------------------------------------

def test_greeting_says_once_that_the_hosts_are_ai_and_names_the_date(sample_days):
    lines = write(sample_days["2026-12-02"], "2026-11-30")
    assert lines[0].speaker == "Oliver" and SHOW in lines[0].text and "Monday" in lines[0].text
    assert "November 30" in lines[0].text
    assert sum(bool(re.search(r"\bAI\b", line.text)) for line in lines) == 1
    assert lines[-1].story is None and lines[-2].story is None
    stories = [line.story for line in lines if line.story is not None]
    assert stories == sorted(stories) and set(stories) == {0, 1}


def test_dates_in_the_greeting_follow_the_brief(sample_days):
    lines = write(sample_days["2026-12-02"], "2027-01-01")
    assert "January 1" in lines[0].text and "Friday" in lines[0].text


def test_nobody_speaks_more_than_three_turns_in_a_row(sample_days):
    for day, stories in all_days(sample_days):
        run, lines = 1, write(stories, day)
        for previous, line in itertools.pairwise(lines):
            run = run + 1 if line.speaker == previous.speaker else 1
            assert run <= 3, day


def test_the_word_budget_limits_the_script(sample_days):
    stories = sample_days["2026-12-02"]
    short = sum(word_count(line.text) for line in write(stories, target=300))
    long = sum(word_count(line.text) for line in write(stories, target=TARGET))
    assert short < long and short <= 300 * 1.4 and abs(long - TARGET) <= TARGET * 0.2


def test_a_dutch_show_speaks_from_the_dutch_phrase_file_with_the_same_structure(sample_days):
    english = yaml.safe_load((REPO / "prompts" / "en" / "extractive.yaml").read_text(encoding="utf-8"))
    dutch = yaml.safe_load((REPO / "prompts" / "nl" / "extractive.yaml").read_text(encoding="utf-8"))
    assert set(english) == set(dutch)
    for key, variants in english.items():
        if isinstance(variants, list) and key not in ("months", "weekdays"):
            assert len(dutch[key]) == len(variants), key
            assert _variables(dutch[key]) <= _variables(variants), key  # the writer gives what English uses
    for day, stories in [("2026-12-02", sample_days["2026-12-02"]), ("2026-11-09", FIXTURE_DAYS["2026-11-09"].stories)]:
        lines = write(stories, day, language="nl")
        assert lines[0].text.startswith(("Goedemorgen", "Hallo")) and dutch["months"][int(day[5:7]) - 1] in lines[0].text
        day_grounds = grounds(stories, day, "nl")
        assert conversation_findings(lines, HOSTS, day_grounds.texts, [SHOW, *HOSTS, *outlets(stories)]) == []
        assert [str(f) for f in check_script(lines, day_grounds, TARGET)] == []


def test_a_missing_phrase_list_names_the_file(tmp_path, sample_days):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "extractive.yaml").write_text("months: []\nweekdays: []\n")
    with pytest.raises(ConfigError, match="extractive.yaml"):
        ExtractiveWriter(ExtractiveWriter.Options()).write(replace(brief(sample_days["2026-12-02"]), prompts_dir=tmp_path))


def test_source_sentences_the_checks_would_reject_are_not_quoted(sample_days):
    from pipeline.script.checks import unspeakable

    odd = ("Details are on norvik.com for anyone who asks about the plant. "
           "The factory [in Trondheim] will open its second hall next spring, the company said.")
    first, second = sample_days["2026-12-02"]
    story = first.model_copy(update={"text": first.text + "\n" + odd})
    lines = write((story, second))
    assert not any(unspeakable(line.text) for line in lines)
    assert not any("norvik.com" in line.text or "[in Trondheim]" in line.text for line in lines)


def _variables(variants: list[str]) -> set[str]:
    from jinja2 import Environment, meta

    environment = Environment()
    return {name for variant in variants for name in meta.find_undeclared_variables(environment.parse(variant))}


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[\w-]+", text)}


def test_every_phrase_variant_renders_with_what_the_writer_gives():
    from pipeline.script.prompts import render

    given = {name: "x" for name in ("show", "weekday", "month", "day", "lead", "co", "source", "fact", "fact_lc",
                                    "fact_bare", "outlet", "who", "role", "setting", "predicate", "group", "things",
                                    "org", "b", "a", "fa", "fb", "outlets", "many", "figure", "headline", "next")}
    for language in ("en", "nl"):
        phrases = yaml.safe_load((REPO / "prompts" / language / "extractive.yaml").read_text(encoding="utf-8"))
        for key, variants in phrases.items():
            if isinstance(variants, list) and key not in ("months", "weekdays"):
                assert len(variants) >= 2, (language, key)
                for variant in variants:
                    assert render(variant, f"{language}: {key}", **given)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_any_two_sample_articles_make_a_grounded_speakable_script(language):
    """Every bundled article, each as a single-source story beside the next one: nothing the hosts say
    is ungrounded or unspeakable, and no sentence runs over 40 words."""
    from pathlib import Path

    from pipeline.config import load_config
    from pipeline.stories.sources import parse_feed

    config = load_config(REPO / "config.yaml")
    articles = [a for s in config.sources for a in parse_feed(s, Path(s.url).read_bytes()).articles]
    assert len(articles) == 22
    for number, (a, b) in enumerate(zip(articles, articles[1:] + articles[:1])):
        stories = [Story(title=a.title, source=a.source, text=a.text), Story(title=b.title, source=b.source, text=b.text)]
        day = f"2026-11-{number + 1:02d}"
        lines = write(stories, day, language)
        findings = [str(f) for f in check_script(lines, grounds(stories, day, language), TARGET) if f.rule != "length"]
        assert findings == [], (a.title, b.title)
        assert all(word_count(s) <= 40 for line in lines for s in split_sentences(line.text)), (a.title, b.title)
        assert sum("?" in line.text for line in lines) >= 6, (a.title, b.title)
