"""The S3 target: any S3-compatible object storage (AWS S3, Cloudflare R2, MinIO, Backblaze B2, rclone) via boto3.

Credentials come from the environment variables that the config names (`access_key_id_env`,
`secret_access_key_env`), or from boto3's own chain (AWS_* variables, ~/.aws) when those are unset.
Each object gets its Content-Type and Cache-Control; a PUT is checked with a HEAD whose
Content-Length must match. `publish.base_url` is the bucket's public URL (with the prefix).
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field, field_validator

from pipeline.providers import ProviderOptions
from pipeline.publish.targets.base import PublishError, Target, Upload


class S3Options(ProviderOptions):
    bucket: str = Field(min_length=3, max_length=63)
    prefix: str = Field(default="", description="A folder inside the bucket, e.g. `podcast/`.")
    endpoint_url: str | None = Field(default=None, description="For non-AWS storage, e.g. https://<id>.r2.cloudflarestorage.com")
    region: str | None = None
    access_key_id_env: str | None = None
    secret_access_key_env: str | None = None
    addressing_style: Literal["auto", "path", "virtual"] = "auto"
    timeout_seconds: float = Field(default=60, gt=0)

    @field_validator("prefix")
    @classmethod
    def _folder(cls, value: str) -> str:
        value = value.strip("/")
        return value + "/" if value else ""

    @field_validator("endpoint_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value


class S3Target(Target):
    name = "s3"
    Options = S3Options
    page_size = 1000  # objects per listing request: S3's own maximum

    def __init__(self, options: S3Options, environ: dict[str, str] | None = None) -> None:
        super().__init__(options)
        try:
            import boto3
            from botocore.config import Config as BotoConfig
        except ImportError:
            raise PublishError("publish.target: the s3 target needs boto3: pip install 'dailycast[s3]'") from None

        environ = os.environ if environ is None else environ
        credentials = {}
        if options.access_key_id_env:
            credentials["aws_access_key_id"] = environ.get(options.access_key_id_env)
        if options.secret_access_key_env:
            credentials["aws_secret_access_key"] = environ.get(options.secret_access_key_env)
        self.client = boto3.session.Session().client(
            "s3",
            endpoint_url=options.endpoint_url,
            region_name=options.region,
            config=BotoConfig(
                s3={"addressing_style": options.addressing_style},
                connect_timeout=options.timeout_seconds,
                read_timeout=options.timeout_seconds,
                retries={"max_attempts": 4, "mode": "standard"},
            ),
            **credentials,
        )
        self.bucket = options.bucket
        self.prefix = options.prefix

    def describe(self) -> str:
        where = f" at {self.options.endpoint_url}" if self.options.endpoint_url else ""
        return f"s3://{self.bucket}/{self.prefix}{where}"

    def _key(self, name: str) -> str:
        if name.startswith("/") or ".." in name.split("/"):
            raise PublishError(f"{self.describe()}: {name!r} is not a plain file name")
        return self.prefix + name

    def _call(self, what: str, name: str, method, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return method(Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "?")
            if code in ("404", "NoSuchKey", "NotFound"):
                return None
            raise PublishError(f"{self.describe()}: {what} {name} failed: {code} {error.get('Message', '')}".rstrip()) from None
        except BotoCoreError as exc:
            raise PublishError(f"{self.describe()}: {what} {name} failed: {exc}") from None

    def put(self, upload: Upload) -> None:
        self._call("upload of", upload.name, self.client.put_object, Key=self._key(upload.name), Body=upload.source,
                   ContentType=upload.content_type, CacheControl=upload.cache_control)
        self._check(upload, self.size(upload.name))

    def size(self, name: str) -> int | None:
        head = self._call("HEAD of", name, self.client.head_object, Key=self._key(name))
        return None if head is None else int(head["ContentLength"])

    def get(self, name: str) -> bytes | None:
        response = self._call("download of", name, self.client.get_object, Key=self._key(name))
        return None if response is None else response["Body"].read()

    def delete(self, name: str) -> None:
        self._call("delete of", name, self.client.delete_object, Key=self._key(name))

    def list(self, folder: str = "") -> list[str]:
        names: list[str] = []
        token: dict = {}
        for _ in range(10_000):  # 10 million objects: far beyond any show; bounds the loop
            page = self._call("listing of", folder or "/", self.client.list_objects_v2,
                              Prefix=self._key(folder) if folder else self.prefix, MaxKeys=self.page_size,
                              **token)
            if page is None:
                break
            names += [item["Key"][len(self.prefix):] for item in page.get("Contents", [])]
            if not page.get("IsTruncated"):
                break
            token = {"ContinuationToken": page["NextContinuationToken"]}
        return sorted(names)
