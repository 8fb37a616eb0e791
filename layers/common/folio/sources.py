"""Where the documents are: a local folder, or an S3 prefix copied to a temporary folder first."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from folio.errors import Unavailable

if TYPE_CHECKING:
    from collections.abc import Iterator

    from folio.settings import Settings


def split_s3_uri(uri: str) -> tuple[str, str]:
    bucket, _, prefix = uri.removeprefix("s3://").partition("/")
    if not bucket:
        raise Unavailable(f"not an S3 location: {uri}")
    return bucket, prefix.rstrip("/") + "/" if prefix else ""


@contextlib.contextmanager
def local_folder(location: str, settings: Settings) -> Iterator[Path]:
    """The documents as a local folder for the length of the block; relative paths stay the keys."""
    if not location.startswith("s3://"):
        yield Path(location)
        return
    with tempfile.TemporaryDirectory(prefix="folio-docs-") as tmp:
        _download(location, Path(tmp), settings)
        yield Path(tmp)


def _download(uri: str, target: Path, settings: Settings) -> None:
    import boto3
    import botocore.exceptions

    bucket, prefix = split_s3_uri(uri)
    s3 = boto3.client("s3", endpoint_url=settings.s3_endpoint_url, region_name=settings.aws_region)
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                key = item["Key"]
                relative = key[len(prefix) :]
                if not relative or relative.endswith("/"):
                    continue
                destination = (target / relative).resolve()
                if target.resolve() not in destination.parents:
                    continue  # a key like "../x" must not escape the folder
                destination.parent.mkdir(parents=True, exist_ok=True)
                s3.download_file(bucket, key, str(destination))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise Unavailable("The documents cannot be read right now.", internal=f"reading {uri}: {exc}") from exc
