"""Uploads waiting for the admin's confirmation: kept under a server-made name, bound to a session.

The admin's import is two requests: the upload, checked in a dry run, then
the confirmation. Between the two the file waits in
``ACSA_IMPORT_PENDING_DIR`` under a random name that only the server knows:
the session of the user who uploaded it maps a second random value, the
token that the confirmation form carries, to that name. The confirmation
posts nothing else, so a browser cannot name a file (django-import-export's
own form posted the file's path, which made the server read, echo and delete
any file of its temporary folder). A token is taken out of the session when
it is used, so a second confirmation finds nothing; a token from another
session is unknown to this one; an upload left unconfirmed for
``ACSA_IMPORT_PENDING_SECONDS`` is refused and its file deleted, by its
confirmation or by the next upload of anyone.

With several servers, ``ACSA_IMPORT_PENDING_DIR`` must be a folder they share.
"""

import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SESSION_KEY = "acsa_pending_imports"
FILE_NAME = re.compile(r"^[0-9a-f]{32}\.upload$")


class UploadNotPending(Exception):
    """The confirmation names no upload waiting for this session; the message says what to do."""


@dataclass(frozen=True)
class PendingUpload:
    """An upload checked by a dry run, waiting for its confirmation."""

    token: str
    path: Path
    original_name: str
    format_index: int
    resource_index: int

    def discard(self):
        self.path.unlink(missing_ok=True)


def pending_directory():
    directory = Path(settings.ACSA_IMPORT_PENDING_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def remove_expired_uploads():
    """Delete the waiting files older than ``ACSA_IMPORT_PENDING_SECONDS``, whoever left them."""
    oldest = time.time() - settings.ACSA_IMPORT_PENDING_SECONDS
    for entry in os.scandir(pending_directory()):
        if FILE_NAME.match(entry.name) and entry.stat().st_mtime < oldest:
            Path(entry.path).unlink(missing_ok=True)


def keep_upload(request, upload, *, model, format_index, resource_index):
    """Save ``upload`` (a Django ``UploadedFile``) until it is confirmed; return its ``PendingUpload``."""
    remove_expired_uploads()
    file_name = f"{secrets.token_hex(16)}.upload"
    path = pending_directory() / file_name
    with open(path, "xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    token = secrets.token_urlsafe(32)
    oldest = time.time() - settings.ACSA_IMPORT_PENDING_SECONDS
    # The session forgets the uploads it left unconfirmed (their files are gone).
    waiting = {
        key: entry for key, entry in request.session.get(SESSION_KEY, {}).items() if entry["saved"] >= oldest
    }
    waiting[token] = {
        "file": file_name,
        "name": os.path.basename(upload.name or "upload"),
        "format": format_index,
        "resource": resource_index,
        "model": model._meta.label_lower,
        "user": request.user.pk,
        "saved": time.time(),
    }
    request.session[SESSION_KEY] = waiting
    return PendingUpload(token, path, waiting[token]["name"], format_index, resource_index)


def take_upload(request, token, *, model):
    """The upload that ``token`` names in this session, taken out of it: a token works once.

    Raises ``UploadNotPending`` with a message for the user when the token is
    unknown here (already confirmed, another session's, made up), names an
    upload of another user or table, or has expired.
    """
    waiting = request.session.get(SESSION_KEY, {})
    entry = waiting.pop(token, None) if isinstance(token, str) else None
    request.session[SESSION_KEY] = waiting
    if entry is None:
        raise UploadNotPending(
            "There is no import waiting for this confirmation: it was already confirmed, or it was "
            "not uploaded in this session. Upload the file again."
        )
    path = pending_directory() / entry["file"]
    pending = PendingUpload(token, path, entry["name"], entry["format"], entry["resource"])
    if not FILE_NAME.match(entry["file"]):
        raise UploadNotPending("This confirmation names no upload. Upload the file again.")
    if entry["user"] != request.user.pk:
        pending.discard()
        raise UploadNotPending("This confirmation is not yours. Upload the file again.")
    if entry["model"] != model._meta.label_lower:
        pending.discard()
        raise UploadNotPending("This confirmation is for another table's import. Upload the file again.")
    if time.time() - entry["saved"] >= settings.ACSA_IMPORT_PENDING_SECONDS or not path.is_file():
        pending.discard()
        minutes = settings.ACSA_IMPORT_PENDING_SECONDS // 60
        raise UploadNotPending(
            f"The preview has expired (an upload waits {minutes} minutes for its confirmation). "
            "Upload the file again."
        )
    return pending
