"""The show's cover art: the configured image, or one the project draws itself with Pillow.

Apple asks for a square 1400-3000 px JPEG or PNG in RGB; the generated cover is 3000 x 3000 JPEG,
drawn from the show's title alone, so the same config always gives the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
from pathlib import Path

from pipeline import files
from pipeline.config import Config

SIZE = 3000
GENERATED_STEM = "cover"


def cover_image(config: Config) -> Path:
    """The cover to use: `show.cover` when configured, else the generated one (drawn once per title).

    The generated file's name holds a hash of the title and of this drawing code, so a new title or a
    new design draws a new cover, and an unchanged one is never drawn again.
    """
    if config.show.cover is not None:
        return config.resolve(config.show.cover)
    key = hashlib.sha256(Path(__file__).read_bytes() + config.show.title.encode("utf-8")).hexdigest()[:12]
    path = config.work_root / f"{GENERATED_STEM}-{key}.jpg"
    if not path.exists():
        files.write_bytes(path, draw_cover(config.show.title))
        files.prune(config.work_root, f"{GENERATED_STEM}-*.jpg", keep=path)
    return path


@functools.cache  # deterministic
def draw_cover(title: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (SIZE, SIZE))
    draw = ImageDraw.Draw(image)
    top, bottom = (18, 32, 64), (196, 72, 48)
    for y in range(SIZE):  # a vertical gradient, dusk blue to morning red
        mix = y / (SIZE - 1)
        draw.line([(0, y), (SIZE, y)], fill=tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom)))
    # Two overlapping rings: the two hosts.
    for centre_x, colour in ((1230, (250, 214, 120)), (1770, (140, 210, 230))):
        draw.ellipse([centre_x - 520, 700, centre_x + 520, 1740], outline=colour, width=90)

    words = title.split()
    lines = [" ".join(words[: (len(words) + 1) // 2]), " ".join(words[(len(words) + 1) // 2 :])] if len(words) > 2 else [title]
    font = _font(ImageFont, 300 if max(len(line) for line in lines) <= 14 else 220)
    small = _font(ImageFont, 130)
    y = 2000
    for line in lines:
        width = draw.textlength(line, font=font)
        draw.text(((SIZE - width) / 2, y), line, font=font, fill=(255, 255, 255))
        y += int(font.size * 1.15)
    tagline = "AI-HOSTED DAILY NEWS"
    draw.text(((SIZE - draw.textlength(tagline, font=small)) / 2, y + 60), tagline, font=small, fill=(255, 236, 210))

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88, optimize=True, progressive=False)
    return buffer.getvalue()


def _font(image_font, size: int):
    return image_font.load_default(size=size)
