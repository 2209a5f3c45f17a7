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


def test_the_generated_cover_is_written_once_under_work(config):
    path = cover_image(config)
    assert path == config.work_root / "cover.jpg"
    stamp = path.stat().st_mtime_ns
    assert cover_image(config) == path and path.stat().st_mtime_ns == stamp
