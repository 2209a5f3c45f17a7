"""The S3 target against a real S3-compatible server (rclone serve s3 on 127.0.0.1)."""

from __future__ import annotations

import io
from datetime import date

import boto3
import feedparser
import podcastparser
import pytest
from botocore.config import Config as BotoConfig

from pipeline import runner
from pipeline.config import load_config
from pipeline.errors import ConfigError
from pipeline.publish import stage as publish
from pipeline.publish.targets import IMMUTABLE, SHORT, PublishError, Upload, open_target
from pipeline.publish.targets.s3 import S3Options, S3Target
from tests.conftest import show_config, write_config
from tests.publish.test_stage import _attachments, _mixed

DAY_ONE, DAY_TWO = date(2026, 11, 30), date(2026, 12, 1)
PUBLIC = "https://cdn.example.org/daily/"


def _bucket(s3_server, name: str) -> str:
    _client(s3_server).create_bucket(Bucket=name)
    return name


def _client(s3_server):
    return boto3.session.Session().client(
        "s3", endpoint_url=s3_server.endpoint, region_name="us-east-1",
        aws_access_key_id=s3_server.key, aws_secret_access_key=s3_server.secret,
        config=BotoConfig(s3={"addressing_style": "path"}),
    )


@pytest.fixture
def s3_env(monkeypatch, s3_server):
    monkeypatch.setenv("DAILYCAST_TEST_S3_KEY", s3_server.key)
    monkeypatch.setenv("DAILYCAST_TEST_S3_SECRET", s3_server.secret)


def _s3_config(tmp_path, tone_voices, s3_server, bucket: str, **publish_extra):
    target = {"provider": "s3", "bucket": bucket, "prefix": "daily/", "endpoint_url": s3_server.endpoint,
              "region": "us-east-1", "addressing_style": "path",
              "access_key_id_env": "DAILYCAST_TEST_S3_KEY", "secret_access_key_env": "DAILYCAST_TEST_S3_SECRET"}
    data = show_config(tmp_path, hosts=tone_voices, publish={"base_url": PUBLIC, "target": target, **publish_extra})
    return load_config(write_config(tmp_path, data))


def test_publish_twice_with_a_correction_and_read_the_feed_back(tmp_path, tone_voices, s3_server, s3_env):
    bucket = _bucket(s3_server, "podcast-one")
    config = _s3_config(tmp_path, tone_voices, s3_server, bucket)
    _attachments(_mixed(config, DAY_ONE))
    runner.run_day(config, DAY_ONE, only="publish")
    first = publish.load_index(config).episodes[0]

    config.mix.pause_ms = 600  # the corrected episode: new audio, same day
    runner.run_day(config, DAY_ONE, force=True)
    [second] = publish.load_index(config).episodes

    client = _client(s3_server)
    listed = client.list_objects_v2(Bucket=bucket)
    keys = sorted(item["Key"] for item in listed["Contents"])
    index = publish.load_index(config)
    assert keys == sorted(f"daily/{name}" for name in publish.referenced(index) | {"feed.xml", "episodes.json"})
    assert f"daily/{first.audio_file}" not in keys  # the old audio went once the feed pointed elsewhere
    assert second.guid == first.guid and second.audio_file != first.audio_file

    feed = client.get_object(Bucket=bucket, Key="daily/feed.xml")
    assert feed["ContentType"].startswith("application/rss+xml")
    assert feed["CacheControl"] == SHORT
    xml = feed["Body"].read()
    parsed = feedparser.parse(xml)
    assert not parsed.bozo
    [item] = parsed.entries
    assert item.id == first.guid
    assert item.enclosures[0].href == f"{PUBLIC}{second.audio_file}"
    gpodder = podcastparser.parse(f"{PUBLIC}feed.xml", io.BytesIO(xml))
    [episode] = gpodder["episodes"]
    assert episode["chapters_json_url"] == f"{PUBLIC}{second.chapters.file}"
    assert episode["transcript_url"] == f"{PUBLIC}{second.transcripts[-1].file}"
    assert gpodder["cover_url"] == f"{PUBLIC}{index.cover_file}"

    audio = client.head_object(Bucket=bucket, Key=f"daily/{second.audio_file}")
    assert (audio["ContentType"], audio["CacheControl"]) == ("audio/mpeg", IMMUTABLE)
    assert audio["ContentLength"] == second.audio_bytes
    expected = {t.file: t.type for t in second.transcripts} | {second.chapters.file: "application/json+chapters"}
    for name, content_type in expected.items():  # the feed's type attribute, and UTF-8 for web players
        head = client.head_object(Bucket=bucket, Key=f"daily/{name}")
        assert head["ContentType"] == f"{content_type}; charset=utf-8"
    # The corrected rerun's mix made its own chapters and transcripts: the bucket holds exactly those.
    workdir = tmp_path / "work" / DAY_ONE.isoformat()
    body = client.get_object(Bucket=bucket, Key=f"daily/{second.chapters.file}")["Body"].read()
    assert body.decode() == (workdir / "chapters.json").read_text()
    transcripts = {t.type: client.get_object(Bucket=bucket, Key=f"daily/{t.file}")["Body"].read().decode()
                   for t in second.transcripts}
    assert transcripts == {"text/vtt": (workdir / "transcript.vtt").read_text(),
                           "application/x-subrip": (workdir / "transcript.srt").read_text()}
    assert transcripts["text/vtt"].startswith("WEBVTT") and "<v Oliver>" in transcripts["text/vtt"]

    # The web site went up with the episode, each file with the headers a browser gets from `dailycast serve`.
    for name in ("index.html", f"episodes/{DAY_ONE}.html"):
        head = client.head_object(Bucket=bucket, Key=f"daily/{name}")
        assert (head["ContentType"], head["CacheControl"]) == ("text/html; charset=utf-8", SHORT)
    page = client.get_object(Bucket=bucket, Key=f"daily/episodes/{DAY_ONE}.html")["Body"].read().decode()
    assert f'src="../{second.audio_file}"' in page and first.audio_file not in page  # the corrected audio
    assert item.link == f"{PUBLIC}episodes/{DAY_ONE}.html" and parsed.feed.link == f"{PUBLIC}index.html"
    for name in (n for n in index.site_files if n.startswith("site-")):
        head = client.head_object(Bucket=bucket, Key=f"daily/{name}")
        assert head["CacheControl"] == IMMUTABLE and head["ContentType"].startswith(("text/css", "text/javascript"))


@pytest.mark.parametrize("failing", [".mp3", ".chapters.json", ".html", "episodes.json", "feed.xml"])
def test_a_publish_that_fails_on_s3_leaves_the_feed_byte_identical(tmp_path, tone_voices, s3_server, s3_env,
                                                                   monkeypatch, failing):
    bucket = _bucket(s3_server, f"podcast-two{failing.replace('.', '-')}")
    config = _s3_config(tmp_path, tone_voices, s3_server, bucket)
    runner.run_day(config, DAY_ONE)
    client = _client(s3_server)
    before = client.get_object(Bucket=bucket, Key="daily/feed.xml")["Body"].read()

    real_put = S3Target.put

    def put(self, upload):
        if upload.name.endswith(failing):
            raise PublishError(f"connection reset while sending {upload.name}")
        real_put(self, upload)

    monkeypatch.setattr(S3Target, "put", put)
    with pytest.raises(PublishError, match="connection reset"):
        runner.run_day(config, DAY_TWO)
    assert client.get_object(Bucket=bucket, Key="daily/feed.xml")["Body"].read() == before
    for item in podcastparser.parse("feed.xml", io.BytesIO(before))["episodes"]:  # all the old feed points to is there
        [enclosure] = item["enclosures"]
        key = "daily/" + enclosure["url"].removeprefix(PUBLIC)
        assert client.head_object(Bucket=bucket, Key=key)["ContentLength"] == enclosure["file_size"]


def test_a_size_mismatch_after_upload_stops_the_publish_before_the_feed(tmp_path, tone_voices, s3_server, s3_env,
                                                                      monkeypatch):
    """The real upload goes to rclone; only the HEAD that checks it is made to report a short object."""
    bucket = _bucket(s3_server, "podcast-short")
    config = _s3_config(tmp_path, tone_voices, s3_server, bucket)
    runner.run_day(config, DAY_ONE)
    client = _client(s3_server)
    before = client.get_object(Bucket=bucket, Key="daily/feed.xml")["Body"].read()
    real_size = S3Target.size
    monkeypatch.setattr(S3Target, "size", lambda self, name: 1 if name.endswith(".mp3") else real_size(self, name))
    with pytest.raises(PublishError, match=r"is 1 bytes after upload, expected \d+"):
        runner.run_day(config, DAY_TWO)
    assert client.get_object(Bucket=bucket, Key="daily/feed.xml")["Body"].read() == before


def test_wrong_credentials_are_a_clear_error_without_the_secret(tmp_path, s3_server, monkeypatch):
    bucket = _bucket(s3_server, "podcast-three")
    monkeypatch.setenv("WRONG_KEY", s3_server.key)
    monkeypatch.setenv("WRONG_SECRET", "not-the-secret-at-all")
    target = S3Target(S3Options(bucket=bucket, endpoint_url=s3_server.endpoint, region="us-east-1",
                                addressing_style="path", access_key_id_env="WRONG_KEY",
                                secret_access_key_env="WRONG_SECRET"))
    with pytest.raises(PublishError) as error:
        target.put(Upload("feed.xml", b"<rss/>", "application/rss+xml", SHORT))
    assert f"s3://{bucket}/" in str(error.value) and "upload of feed.xml failed" in str(error.value)
    assert "not-the-secret-at-all" not in str(error.value)


def test_the_target_round_trips_and_lists_past_a_page(s3_server):
    bucket = _bucket(s3_server, "podcast-four")
    target = S3Target(S3Options(bucket=bucket, prefix="/p/", endpoint_url=s3_server.endpoint, region="us-east-1",
                                addressing_style="path"), environ={})
    target.client = _client(s3_server)
    target.page_size = 2  # so three objects take two listing requests
    for n in range(3):
        target.put(Upload(f"episodes/{n}.mp3", bytes(n + 1), "audio/mpeg", IMMUTABLE))
    assert target.list("episodes/") == ["episodes/0.mp3", "episodes/1.mp3", "episodes/2.mp3"]
    assert target.size("episodes/2.mp3") == 3 and target.size("episodes/9.mp3") is None
    assert target.get("episodes/1.mp3") == b"\x00\x00" and target.get("nothing") is None
    target.delete("episodes/1.mp3")
    assert target.list() == ["episodes/0.mp3", "episodes/2.mp3"]
    with pytest.raises(PublishError, match="not a plain file name"):
        target.put(Upload("../escape.mp3", b"x", "audio/mpeg", IMMUTABLE))


def test_s3_config_errors_name_the_key(tmp_path, tone_voices, s3_server, monkeypatch):
    monkeypatch.delenv("DAILYCAST_TEST_S3_KEY", raising=False)
    with pytest.raises(ConfigError, match="publish.target.access_key_id_env: environment variable "
                                          "DAILYCAST_TEST_S3_KEY is not set"):
        _s3_config(tmp_path, tone_voices, s3_server, "b-unset")
    data = show_config(tmp_path, publish={"target": {"provider": "ftp"}})
    with pytest.raises(ConfigError, match=r"publish.target.provider: unknown provider 'ftp' \(valid: local, s3\)"):
        load_config(write_config(tmp_path, data))
    data = show_config(tmp_path, publish={"target": {"provider": "s3", "bucket": "b", "endpoint": "x"}})
    with pytest.raises(ConfigError, match="publish.target.endpoint: unknown key"):
        load_config(write_config(tmp_path, data))


def test_the_local_target_is_the_default(config):
    assert open_target(config).describe() == f"local folder {config.publish_dir}"
