"""Uploaded files: a multipart field `file` or the raw request body, bounded in size.

The body itself is bounded as it streams (`web.limits`); these readers bound the file."""

from __future__ import annotations

import re

from fastapi import Request
from starlette.datastructures import UploadFile

from hustings.domain.errors import InvalidInput, Problem
from hustings.web.config import WebConfig
from hustings.web.errors import WebError
from hustings.web.templating import gettext_for

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def source_name(filename: str | None, default: str) -> str:
    """A file name fit to appear in messages and the audit log: basename, plain characters."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE_NAME.sub("_", base).strip("._")[:100]
    return cleaned or default


def _too_large(config: WebConfig) -> WebError:
    return WebError(413, "too_large", f"uploads are limited to {config.max_upload_bytes:,} bytes")


async def read_file_field(request: Request, config: WebConfig, field: str = "file",
                          default: str = "upload") -> tuple[bytes, str]:
    """(content, source) of a multipart file field; WebError 422 naming the field if absent."""
    form = await request.form()
    upload = form.get(field)
    if not isinstance(upload, UploadFile) or not upload.filename:
        _ = gettext_for(request)
        message = _("choose a file to upload")
        raise WebError(422, "invalid_input", message, [Problem(message, "form", None, field)])
    data = await upload.read(config.max_upload_bytes + 1)
    if len(data) > config.max_upload_bytes:
        raise _too_large(config)
    return data, source_name(upload.filename, default)


async def read_upload(request: Request, config: WebConfig, default: str) -> tuple[bytes, str]:
    """An API upload: multipart `file`, or the raw body (source from `?source=`)."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        return await read_file_field(request, config, default=default)
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > config.max_upload_bytes:
            raise _too_large(config)
    if not data:
        message = "the request has no file: send it as the body or as the multipart field 'file'"
        raise WebError(422, "invalid_input", message, [Problem(message, "body", None, "file")])
    return bytes(data), source_name(request.query_params.get("source"), default)


def as_text(data: bytes, source: str) -> str:
    """Uploaded UTF-8 text (a byte-order mark is dropped); InvalidInput otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(Problem(f"not UTF-8 text (byte {exc.start})", source)) from None
