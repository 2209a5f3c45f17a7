"""`dailycast serve` over real HTTP on 127.0.0.1: what a podcast app asks of the published folder."""

from __future__ import annotations

import http.client
import sys
from datetime import date

import pytest
import requests

from pipeline import runner
from pipeline.publish import site
from pipeline.publish import stage as publish
from pipeline.publish.serve import running
from pipeline.publish.targets import IMMUTABLE, SHORT
from tests.conftest import show_config, write_config
from tests.loopback import background_process, free_port
from tests.publish.test_stage import _attachments, _mixed

DAY = date(2026, 11, 30)


@pytest.fixture
def published(quick_config):
    _attachments(_mixed(quick_config, DAY))
    runner.run_day(quick_config, DAY, only="publish")
    return quick_config


@pytest.fixture
def served(published, tmp_path):
    """The real console command, `dailycast serve`, in its own process; stopped after the test."""
    folder = tmp_path / "serving"
    folder.mkdir()
    config_path = write_config(folder, show_config(tmp_path))  # same publish dir, the shipped voices
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "pipeline.cli", "--config", str(config_path), "serve", "--host", "127.0.0.1",
               "--port", str(port)]

    def ready() -> bool:
        requests.head(base + "feed.xml", timeout=1)
        return True

    with background_process(command, ready, name="dailycast serve", log=tmp_path / "serve.log", timeout=30):
        yield base, published


def test_head_and_a_range_request_on_the_episode(served):
    base, config = served
    [episode] = publish.load_index(config).episodes
    data = (config.publish_dir / episode.audio_file).read_bytes()
    url = base + episode.audio_file

    head = requests.head(url, timeout=10)
    assert head.status_code == 200
    assert head.headers["Content-Type"] == "audio/mpeg"
    assert int(head.headers["Content-Length"]) == episode.audio_bytes == len(data)
    assert head.headers["Accept-Ranges"] == "bytes"
    assert head.content == b""
    assert len(head.raw.headers.getlist("Date")) == 1
    etag, modified = head.headers["ETag"], head.headers["Last-Modified"]

    ranged = requests.get(url, headers={"Range": "bytes=100-1099"}, timeout=10)
    assert ranged.status_code == 206
    assert ranged.headers["Content-Range"] == f"bytes 100-1099/{len(data)}"
    assert int(ranged.headers["Content-Length"]) == 1000
    assert ranged.content == data[100:1100]

    tail = requests.get(url, headers={"Range": "bytes=-500"}, timeout=10)
    assert (tail.status_code, tail.content) == (206, data[-500:])
    beyond = requests.get(url, headers={"Range": f"bytes={len(data) + 10}-"}, timeout=10)
    assert beyond.status_code == 416

    assert requests.get(url, headers={"If-None-Match": etag}, timeout=10).status_code == 304
    assert requests.get(url, headers={"If-Modified-Since": modified}, timeout=10).status_code == 304
    assert "immutable" in head.headers["Cache-Control"]


@pytest.mark.parametrize("header", ["bytes=abc-xyz", "bytes=500-100", "bytes=", "items=0-99", "bytes=0-9,20-29"])
def test_a_range_that_cannot_be_parsed_or_asks_for_several_parts_gets_the_whole_file(published, header):
    """RFC 9110 14.2: a server ignores a Range it cannot parse, and may ignore any Range: 200, all of it."""
    [episode] = publish.load_index(published).episodes
    data = (published.publish_dir / episode.audio_file).read_bytes()
    with running(published.publish_dir) as server:
        url = f"http://127.0.0.1:{server.server_port}/{episode.audio_file}"
        whole = requests.get(url, headers={"Range": header}, timeout=10)
        assert (whole.status_code, whole.content) == (200, data)
        assert "Content-Range" not in whole.headers
        one = requests.get(url, headers={"Range": "bytes=10-19"}, timeout=10)
        assert (one.status_code, one.content) == (206, data[10:20])
        assert requests.get(url, headers={"Range": f"bytes={len(data)}-"}, timeout=10).status_code == 416


def test_the_feed_and_attachments_have_the_types_apps_expect(served):
    base, config = served
    [episode] = publish.load_index(config).episodes
    feed = requests.get(base + "feed.xml", timeout=10)
    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert feed.headers["Cache-Control"] == "public, max-age=300"  # as the S3 target publishes it
    assert feed.content == (config.publish_dir / "feed.xml").read_bytes()
    for attachment in episode.transcripts:
        response = requests.head(base + attachment.file, timeout=10)
        assert response.headers["Content-Type"] == f"{attachment.type}; charset=utf-8"
        assert int(response.headers["Content-Length"]) == attachment.bytes
    chapters = requests.get(base + episode.chapters.file, timeout=10)
    assert chapters.json()["chapters"][0]["title"] == "Hello"
    cover = requests.head(base + publish.load_index(config).cover_file, timeout=10)
    assert cover.headers["Content-Type"] == "image/jpeg"


def test_the_site_root_is_the_index_page_and_the_pages_have_their_headers(served):
    base, config = served
    index = publish.load_index(config)
    root = requests.get(base, timeout=10, allow_redirects=False)
    assert root.status_code == 200
    assert root.content == (config.publish_dir / "index.html").read_bytes()
    assert (root.headers["Content-Type"], root.headers["Cache-Control"]) == ("text/html; charset=utf-8", SHORT)
    page = requests.get(base + f"episodes/{DAY}.html", timeout=10)
    assert (page.status_code, page.headers["Content-Type"], page.headers["Cache-Control"]) == (
        200, "text/html; charset=utf-8", SHORT)
    assert index.episodes[0].audio_file.encode() in page.content
    assets = sorted(name for name in index.site_files if name.startswith("site-"))
    assert [name.rsplit(".", 1)[1] for name in assets] == ["css", "js"]
    for name, kind in zip(assets, ("text/css", "text/javascript")):
        response = requests.get(base + name, timeout=10)
        assert (response.headers["Content-Type"], response.headers["Cache-Control"]) == (f"{kind}; charset=utf-8",
                                                                                          IMMUTABLE)
        assert requests.get(base + name, headers={"If-None-Match": response.headers["ETag"]},
                            timeout=10).status_code == 304


def test_a_folder_published_before_the_pages_redirects_its_root_to_the_feed(published):
    (published.publish_dir / "index.html").unlink()
    with running(published.publish_dir) as server:
        root = requests.get(f"http://127.0.0.1:{server.server_port}/", timeout=10, allow_redirects=False)
    assert root.status_code in (301, 302, 303, 307, 308) and root.headers["Location"].endswith("/feed.xml")


def test_nothing_outside_the_folder_or_hidden_is_served(published):
    (published.publish_dir / ".feed.xml.abc.tmp").write_text("half a feed")
    (published.publish_dir.parent / "secret.txt").write_text("top-secret-contents")
    with running(published.publish_dir) as server:
        base = f"http://127.0.0.1:{server.server_port}/"
        assert requests.get(base + ".feed.xml.abc.tmp", timeout=10).status_code == 404
        for raw in ("/../secret.txt", "/episodes/../../secret.txt"):  # sent as they are: requests would tidy them
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
            connection.request("GET", raw)
            response = connection.getresponse()
            assert response.status == 404 and b"top-secret" not in response.read(), raw
            connection.close()
        assert requests.get(base + "%2e%2e/secret.txt", timeout=10).status_code == 404
        assert requests.get(base + "missing.mp3", timeout=10).status_code == 404
        assert requests.post(base + "feed.xml", timeout=10).status_code == 405


def test_every_site_file_has_one_set_of_headers():
    assert site.headers("episodes/x.mp3") == ("audio/mpeg", IMMUTABLE)
    assert site.headers("episodes/x.vtt") == ("text/vtt; charset=utf-8", IMMUTABLE)
    assert site.headers("episodes/x.srt") == ("application/x-subrip; charset=utf-8", IMMUTABLE)
    assert site.headers("episodes/x.chapters.json") == ("application/json+chapters; charset=utf-8", IMMUTABLE)
    assert site.headers("feed.xml") == ("application/rss+xml; charset=utf-8", "public, max-age=300")
    assert site.headers("episodes.json") == ("application/json; charset=utf-8", "no-cache")
    assert site.headers("cover-1.PNG") == ("image/png", IMMUTABLE)
    assert site.headers("index.html") == ("text/html; charset=utf-8", SHORT)  # stable names: refreshed with the feed
    assert site.headers("episodes/2026-11-30.html") == ("text/html; charset=utf-8", SHORT)
    assert site.headers("site-0123456789.css") == ("text/css; charset=utf-8", IMMUTABLE)  # content-hashed
    assert site.headers("site-0123456789.js") == ("text/javascript; charset=utf-8", IMMUTABLE)


def test_serve_has_help_and_a_clean_error_without_a_published_folder(tmp_path, capsys):
    from pipeline.cli import main

    assert main(["serve", "--help"]) == 0
    assert "--port" in capsys.readouterr().out
    config_path = write_config(tmp_path, show_config(tmp_path))
    assert main(["--config", str(config_path), "serve", "--host", "127.0.0.1", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot serve {tmp_path / 'feeds'}") and "dailycast run" in err
    assert "Traceback" not in err
