"""The offline writer: every factual sentence from the sources, everything else from the templates."""

from datetime import date, datetime, timezone

import pytest

from pipeline.models import Article, Story
from pipeline.script.writers import Host, ScriptBrief
from pipeline.script.writers.extractive import ExtractiveWriter
from pipeline.text import split_sentences, word_count
from tests.conftest import REPO

ARTICLE_ONE = (
    "Norvik Energy opened a battery factory in Trondheim on Wednesday. The plant cost 2.4 billion euros and "
    "employs 1,100 people. \"Today batteries become an industrial product,\" said Ingrid Haugland, the chief "
    "executive. Aurelis Motors will buy 8 gigawatt-hours of cells a year from 2027. The site runs entirely on "
    "hydropower from three nearby plants. Production starts with 4 lines and grows to 10 lines by 2027."
)
ARTICLE_TWO = (
    "Larkspur Labs released Meridian 2, an open-source language model, on Wednesday. The model has 14 billion "
    "parameters and was trained on text in 31 languages. A compressed version runs on a single graphics card "
    "with 24 gigabytes of memory. Larkspur Labs is based in Zurich and employs 120 researchers."
)
OTHER_COVERAGE = "Norvik Energy plans to reach 30 gigawatt-hours a year by 2029, according to the company."


def brief(target_words: int = 600) -> ScriptBrief:
    stamp = datetime(2026, 11, 25, tzinfo=timezone.utc)
    return ScriptBrief(
        show_title="The Daily Circuit",
        language="en",
        date_iso="2026-11-30",
        hosts=(Host("Oliver", "lead"), Host("Shelby", "co")),
        stories=(
            Story(title="Norvik opens Trondheim battery plant", source="TechWire", text=ARTICLE_ONE,
                  also_reported_by=[Article(source="Circuit Daily", title="Norvik plant", text=OTHER_COVERAGE,
                                            published=stamp)]),
            Story(title="Larkspur Labs releases Meridian 2", source="FutureScope", text=ARTICLE_TWO),
        ),
        target_words=target_words,
        prompts_dir=REPO / "prompts",
    )


def test_structure_greeting_two_stories_sign_off():
    lines = ExtractiveWriter(ExtractiveWriter.Options()).write(brief())
    assert lines[0].speaker == "Oliver" and "The Daily Circuit" in lines[0].text and "November 30" in lines[0].text
    assert "Monday" in lines[0].text
    assert lines[-1].story is None and lines[-2].story is None
    stories = [line.story for line in lines if line.story is not None]
    assert stories == sorted(stories) and set(stories) == {0, 1}
    first_of = {story: next(line for line in lines if line.story == story) for story in (0, 1)}
    assert first_of[0].speaker == "Oliver" and "TechWire" in first_of[0].text
    assert first_of[1].speaker == "Shelby" and "FutureScope" in first_of[1].text


def test_the_hosts_say_once_that_they_are_ai():
    lines = ExtractiveWriter(ExtractiveWriter.Options()).write(brief())
    assert sum("AI" in line.text for line in lines) == 1


def test_hosts_alternate_and_nobody_speaks_more_than_three_turns_in_a_row():
    lines = ExtractiveWriter(ExtractiveWriter.Options()).write(brief())
    assert {line.speaker for line in lines} == {"Oliver", "Shelby"}
    run = 1
    for previous, line in zip(lines, lines[1:]):
        run = run + 1 if line.speaker == previous.speaker else 1
        assert run <= 3


def test_every_factual_sentence_comes_from_the_sources():
    lines = ExtractiveWriter(ExtractiveWriter.Options()).write(brief())
    source_sentences = set(split_sentences(" ".join([ARTICLE_ONE, ARTICLE_TWO, OTHER_COVERAGE])))
    quoted = [s for line in lines for s in split_sentences(line.text) if s in source_sentences]
    # in the stories, every sentence with a number in it is quoted from an article or names its headline
    headlines = [story.title for story in brief().stories]
    numeric = [s for line in lines if line.story is not None for s in split_sentences(line.text)
               if any(c.isdigit() for c in s)]
    assert numeric
    assert all(s in source_sentences or any(h in s for h in headlines) for s in numeric)
    assert len(quoted) >= 8
    assert any("Circuit Daily" in line.text for line in lines)  # other outlets' coverage is attributed


def test_the_word_budget_limits_the_script():
    writer = ExtractiveWriter(ExtractiveWriter.Options())
    short = sum(word_count(line.text) for line in writer.write(brief(target_words=150)))
    long = sum(word_count(line.text) for line in writer.write(brief(target_words=600)))
    assert short < long
    assert short <= 150 * 1.3


def test_the_same_day_gives_the_same_script():
    writer = ExtractiveWriter(ExtractiveWriter.Options())
    assert writer.write(brief()) == writer.write(brief())


def test_a_missing_phrase_list_names_the_file(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "extractive.yaml").write_text("months: []\nweekdays: []\n")
    from dataclasses import replace

    from pipeline.errors import ConfigError

    with pytest.raises(ConfigError, match="extractive.yaml"):
        ExtractiveWriter(ExtractiveWriter.Options()).write(replace(brief(), prompts_dir=tmp_path))


def test_dates_in_the_greeting_follow_the_brief():
    from dataclasses import replace

    lines = ExtractiveWriter(ExtractiveWriter.Options()).write(replace(brief(), date_iso="2027-01-01"))
    assert "January 1" in lines[0].text and "Friday" in lines[0].text
    assert date(2027, 1, 1).weekday() == 4


def test_source_sentences_the_checks_would_reject_are_not_quoted():
    from dataclasses import replace

    from pipeline.script.checks import unspeakable

    odd = ("Details are on norvik.com for anyone who asks about the plant. "
           "The factory [in Trondheim] will open its second hall next spring, the company said.")
    story = brief().stories[0].model_copy(update={"text": ARTICLE_ONE + " " + odd})
    lines = ExtractiveWriter(ExtractiveWriter.Options()).write(replace(brief(), stories=(story, brief().stories[1])))
    assert not any(unspeakable(line.text) for line in lines)
    assert not any("norvik.com" in line.text or "[in Trondheim]" in line.text for line in lines)
