"""What people upload is judged by its content (magic bytes), never by its name or the
browser's word: one check for attachments, scanned forms and photos of every app."""

from __future__ import annotations

import filetype
from django.core.exceptions import ValidationError


def sniffed_type(upload) -> str | None:
    """The MIME type the first bytes of `upload` show, or None; the file is rewound."""
    head = upload.read(262)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def check_upload(
    upload, *, allowed, max_bytes: int, too_big: ValidationError, wrong_type: ValidationError
):
    """Accept `upload` if it is at most `max_bytes` and its content is one of `allowed`; the
    type found inside is kept as `upload.detected_type` (what a download later declares).
    Each app words its own refusals."""
    if upload.size > max_bytes:
        raise too_big
    mime = sniffed_type(upload)
    if mime not in allowed:
        raise wrong_type
    upload.detected_type = mime
    return upload
