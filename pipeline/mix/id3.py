"""ID3v2.4 tags for the episode through mutagen: title, show, date, cover art, chapters, credits.

Chapters are CHAP frames (start and end in milliseconds, a title, and a link for a story) listed in
order by one top-level CTOC, which is what Apple Podcasts, Overcast and Pocket Casts read.
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import files
from pipeline.errors import StageError

EMBEDDED_COVER_PX = 1400  # Apple's minimum for show art; the embedded copy need not be bigger


@dataclass(frozen=True)
class Chapter:
    start: float  # seconds
    end: float
    title: str
    url: str | None = None


@dataclass(frozen=True)
class EpisodeTags:
    title: str
    show: str
    artist: str
    date: str  # ISO date
    comment: str
    language: str = "eng"
    cover: bytes | None = None  # JPEG, from embedded_cover
    chapters: list[Chapter] = field(default_factory=list)


def embedded_cover(path: Path, cache_dir: Path | None = None) -> bytes:
    """The cover as JPEG bytes, scaled down to EMBEDDED_COVER_PX: a 3000 px image would bloat every MP3.

    With `cache_dir`, the scaled copy is kept there, keyed by the cover file's path, size and time.
    """
    try:
        stat = path.stat()
    except OSError as exc:
        raise StageError(f"{path}: cover art is missing (show.cover in config.yaml): {exc}") from None
    identity = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{EMBEDDED_COVER_PX}"
    key = hashlib.sha256(identity.encode()).hexdigest()[:16]
    cached = cache_dir / f"cover-embedded-{key}.jpg" if cache_dir else None
    if cached is not None and cached.exists():
        return cached.read_bytes()
    data = _embedded_cover(str(path), stat.st_mtime_ns, stat.st_size)
    if cached is not None:
        files.write_bytes(cached, data)
        files.prune(cached.parent, "cover-embedded-*.jpg", keep=cached)
    return data


@functools.lru_cache(maxsize=4)
def _embedded_cover(path_text: str, mtime_ns: int, size: int) -> bytes:
    from PIL import Image, UnidentifiedImageError

    path = Path(path_text)

    try:
        with Image.open(path) as image:
            image.draft("RGB", (EMBEDDED_COVER_PX, EMBEDDED_COVER_PX))  # a JPEG decodes at half size: 3x faster
            image = image.convert("RGB")
            if max(image.size) > EMBEDDED_COVER_PX:
                image = image.resize((EMBEDDED_COVER_PX, EMBEDDED_COVER_PX), Image.LANCZOS)
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=88, optimize=True)
    except (OSError, UnidentifiedImageError) as exc:
        raise StageError(f"{path}: cover art is not a readable image (show.cover in config.yaml): {exc}") from None
    return buffer.getvalue()


def write_tags(path: Path, tags: EpisodeTags) -> None:
    from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLAN, TPE1, WXXX, CTOCFlags

    id3 = ID3()  # saving replaces whatever tag the encoder wrote
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.show))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TDRC(encoding=3, text=tags.date))
    id3.add(TCON(encoding=3, text="Podcast"))
    id3.add(TLAN(encoding=3, text=tags.language))
    id3.add(COMM(encoding=3, lang=tags.language, desc="", text=tags.comment))
    if tags.cover is not None:
        id3.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="Cover", data=tags.cover))
    ids = []
    for number, chapter in enumerate(tags.chapters):
        element = f"chp{number}"
        ids.append(element)
        frames = [TIT2(encoding=3, text=chapter.title)]
        if chapter.url:
            frames.append(WXXX(encoding=3, desc="", url=chapter.url))
        id3.add(CHAP(element_id=element, start_time=round(chapter.start * 1000), end_time=round(chapter.end * 1000),
                     start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF, sub_frames=frames))
    if ids:
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                     sub_frames=[TIT2(encoding=3, text="Chapters")]))
    try:
        id3.save(str(path), v2_version=4)
    except OSError as exc:
        raise StageError(f"{path}: cannot write ID3 tags: {exc}") from None
