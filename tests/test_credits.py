"""The credit line listeners read in the show notes and the MP3's comment: plain words, no internal names."""

from datetime import date

from pipeline.models import Article, Line, Script, Story, credit_line

HOSTS = ["Oliver", "Shelby"]
STORIES = [
    Story(title="Battery plant", source="TechWire", text="x",
          also_reported_by=[Article(source="FutureScope", title="y", text="y"),
                            Article(source="Circuit Daily", title="z", text="z")]),
    Story(title="Language model", source="Circuit Daily", text="w"),
]


def script(lines: list[str], model: str | None = None) -> Script:
    return Script(date=date(2026, 12, 2), title="t", language="en", writer="extractive" if model is None else "openai",
                  model=model, lines=[Line(speaker="Oliver", text=text) for text in lines], target_words=680)


def test_the_offline_writers_credit_names_the_outlets_the_hosts_quoted():
    credit = credit_line(script(["We start with TechWire.", "Circuit Daily adds this."]), STORIES, HOSTS)
    assert credit == ("This episode is AI-generated: Oliver and Shelby are synthetic voices. They read and discuss "
                      "quoted reporting from TechWire and Circuit Daily; no language model wrote the script.")


def test_an_llms_credit_names_the_model_and_every_outlet_it_was_given():
    credit = credit_line(script(["Hello."], model="gpt-4o-mini"), STORIES, HOSTS)
    assert credit == ("This episode is AI-generated: the language model gpt-4o-mini wrote the script from reporting "
                      "by TechWire, FutureScope and Circuit Daily, and Oliver and Shelby are synthetic voices.")
    assert "openai" not in credit
