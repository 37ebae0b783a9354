"""Bytes stored once by their sha256 (statement JSON and PDF, facts files)."""
from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from compliance.register.tables import Blob


def put(session: Session, content: bytes) -> str:
    """Store ``content`` unless the same bytes are stored already; its sha256."""
    digest = hashlib.sha256(content).hexdigest()
    if session.get(Blob, digest) is None:
        session.add(Blob(sha256=digest, content=content))
        session.flush()
    return digest


def get(session: Session, digest: str) -> bytes:
    return session.get(Blob, digest).content
