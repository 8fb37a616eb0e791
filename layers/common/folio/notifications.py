"""S3 notifications for the ingest function: documents changed in the bucket, so re-index."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from folio.events import s3_records
from folio.sources import split_s3_uri
from folio.store.base import claim, release

if TYPE_CHECKING:
    from folio.runtime import Runtime

log = logging.getLogger(__name__)
_REMEMBER_SECONDS = 7 * 86_400


@dataclass(frozen=True)
class Change:
    event: str
    bucket: str
    key: str
    sequencer: str

    def __str__(self) -> str:
        return f"{self.event}:{self.bucket}/{self.key}@{self.sequencer}"


def changes(event: dict[str, Any]) -> tuple[list[Change], list[str]]:
    """The changes a notification reports, and what is wrong with the records that cannot be read."""
    records, problems = s3_records(event)
    # S3 URL-encodes keys in notifications.
    found = [
        Change(r.eventName, r.s3.bucket.name, unquote_plus(r.s3.object.key), r.s3.object.sequencer) for r in records
    ]
    return found, problems


def ingest_on_s3_notification(event: dict[str, Any], rt: Runtime) -> dict[str, Any]:
    """Re-index the configured S3 prefix, once per notification.

    S3 may deliver a notification more than once: its changes (bucket, key, sequencer) are claimed
    in the shared store first, so a repeat does nothing. A failed ingest releases the claim, so
    Lambda's retry does the work. A notification none of whose records can be read is rejected:
    answered (so Lambda does not retry what can never succeed) and logged.
    """
    found, problems = changes(event)
    if problems and not found:
        log.warning("rejected a malformed S3 notification", extra={"problems": problems[:5]})
        return {"ok": False, "rejected": "malformed S3 notification", "problems": problems[:5]}
    if problems:
        log.warning("skipped malformed records of an S3 notification", extra={"problems": problems[:5]})
    if not found:
        return {"ok": True, "ignored": "not an S3 notification"}
    location = rt.settings.docs_dir
    if not location.startswith("s3://"):
        return {"ok": True, "ignored": f"the documents are not in S3 ({location})"}
    bucket, prefix = split_s3_uri(location)
    relevant = [c for c in found if c.bucket == bucket and c.key.startswith(prefix)]
    if not relevant:
        return {"ok": True, "ignored": f"no change under {location}"}
    digest = hashlib.sha256("\n".join(sorted(map(str, relevant))).encode()).hexdigest()
    key = f"{rt.settings.store_prefix}:s3-notification:{digest}"
    # Mangum's loop: the store's connections belong to it.
    loop = asyncio.get_event_loop()
    if not loop.run_until_complete(claim(rt.store, key, _REMEMBER_SECONDS)):
        log.info("S3 notification already handled", extra={"changes": len(relevant)})
        return {"ok": True, "duplicate": True}
    try:
        summary = rt.ingest()
    except Exception:
        loop.run_until_complete(release(rt.store, key))
        raise
    log.info("re-indexed after an S3 notification", extra={"changes": len(relevant), "added": summary.added})
    return {"ok": True, "duplicate": False, "summary": summary.as_dict()}
