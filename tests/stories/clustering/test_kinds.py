"""The kind of event a headline reports keeps one company's two events apart and never splits a reworded one."""

import pytest

from pipeline.stories.clustering.figures import figures
from pipeline.stories.clustering.kinds import different_kinds, kinds


@pytest.mark.parametrize("a, b", [
    ("Halden Robotics recalls 3,200 warehouse robots over braking fault",
     "Halden Robotics names former freight executive as chief executive"),
    ("Lumora raises €40 million to expand scooter fleet", "Rotterdam orders Lumora scooters off its streets"),
    ("Ampyra CEO steps down after accounting review", "Ampyra wins court case over charger patents"),
])
def test_two_kinds_of_event_are_two_stories(a, b):
    assert different_kinds(kinds(a), kinds(b)), (kinds(a), kinds(b))


@pytest.mark.parametrize("a, b", [
    ("Ampyra CEO Lotte Brandsma steps down after accounting review", "Ampyra chief quits as review flags revenue timing"),
    ("Veltra Semiconductor raises 85 million dollars", "Photonic startup Veltra closes 85 million dollar Series B"),
    ("Norvik Energy opens Trondheim gigafactory", "Norvik starts series production of solid-state cells"),
])
def test_one_event_reworded_is_never_split_by_its_kind(a, b):
    assert not different_kinds(kinds(a), kinds(b)), (kinds(a), kinds(b))


def test_a_model_number_is_not_a_figure():
    assert not [f for f in figures("a recall of its HR-40 robots", 0) if f.dim != "year"]
