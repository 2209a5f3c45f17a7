"""The site folder (config.site_dir: Jinja2 templates, site.css, site.js, the words per language) and rendering.

Autoescape is on for every template, in text and in attributes; a variable a template names but the
context lacks is an error (StrictUndefined), raised before anything is published. The stylesheet and
the script are published under content-hashed names (`site-<hash>.css`), so they are cached for good
and a page never meets an older stylesheet than its own.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError

from pipeline.errors import ConfigError
from pipeline.files import read_yaml_mapping
from pipeline.publish import site
from pipeline.publish.targets import Upload

HASH_CHARS = 10
WEB_COVER_PX = 480  # shown at up to 240 CSS px: sharp on a 2x screen, ~25 kB instead of the feed's megabytes
_CODE = sorted(Path(__file__).parent.glob("*.py"))  # how the context is made: part of every page's digest


def hashed(stem: str, data: bytes, suffix: str) -> str:
    return f"{stem}-{hashlib.sha256(data).hexdigest()[:HASH_CHARS]}{suffix}"


class SiteFolder:
    """The templates, stylesheet, script and words of the show's site, read once per publish."""

    def __init__(self, root: Path, language: str) -> None:
        if not root.is_dir():
            raise ConfigError(f"site_dir: {root}: no such folder (the web site's templates, stylesheet and words)")
        self.root = root
        self.language = language
        self.strings = read_yaml_mapping(root / f"{language}.yaml", missing=f"no site words for language '{language}'")
        self.assets: dict[str, Upload] = {}
        for kind in ("css", "js"):
            path = root / f"site.{kind}"
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ConfigError(f"{path}: cannot read the site's {kind}: {exc.strerror or exc}") from None
            self.assets[kind] = site.upload(hashed("site", data, f".{kind}"), data)
        digest = hashlib.sha256()
        for path in sorted(p for p in root.iterdir() if p.is_file()) + _CODE:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        self.key = digest.hexdigest()
        self.env = Environment(
            loader=FileSystemLoader(root),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def digest(self, context: dict) -> str:
        """What a page is made from, as one hash: the site folder, this code and the page's context."""
        text = json.dumps(context, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256((self.key + "\0" + text).encode("utf-8")).hexdigest()[:16]

    def render(self, template: str, context: dict, root: str = "") -> bytes:
        """The page as UTF-8; `root` leads from the page's folder to the site's root ("" or "../")."""
        common = {"lang": self.language, "root": root, "strings": self.strings,
                  "assets": {kind: upload.name for kind, upload in self.assets.items()}}
        try:
            return self.env.get_template(template).render({**common, **context}).encode("utf-8")
        except TemplateError as exc:
            raise ConfigError(f"{self.root / template}: {exc}") from None


def web_cover(cover: Upload) -> Upload | None:
    """A small JPEG copy of the feed's cover for the pages, or None when Pillow cannot read the cover."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(cover.source)) as image:
            small = image.convert("RGB")
            small.thumbnail((WEB_COVER_PX, WEB_COVER_PX), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            small.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
    data = out.getvalue()
    return site.upload(hashed(f"cover-{WEB_COVER_PX}", data, ".jpg"), data)
