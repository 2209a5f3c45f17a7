import io

from PIL import Image

from pipeline.cover import cover_image, draw_cover


def test_the_generated_cover_meets_apples_rules_and_is_deterministic():
    data = draw_cover("The Daily Circuit")
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.mode == "RGB" and image.size == (3000, 3000)
    assert draw_cover("The Daily Circuit") == data
    assert draw_cover("Another Show") != data


def test_a_configured_cover_wins(config, tmp_path):
    config.show.cover = tmp_path / "art.png"
    assert cover_image(config) == tmp_path / "art.png"


def test_the_generated_cover_is_drawn_once_per_title_under_work(config, monkeypatch):
    path = cover_image(config)
    assert path.parent == config.work_root and path.name.startswith("cover-") and path.suffix == ".jpg"
    assert path.read_bytes() == draw_cover(config.show.title)
    monkeypatch.setattr("pipeline.cover.draw_cover", lambda title: (_ for _ in ()).throw(AssertionError("drawn")))
    assert cover_image(config) == path  # not drawn again
    monkeypatch.undo()
    config.show.title = "Another Show"
    renamed = cover_image(config)
    assert renamed != path and renamed.read_bytes() == draw_cover("Another Show")
    assert list(config.work_root.glob("cover-*.jpg")) == [renamed]  # the old title's cover is gone
