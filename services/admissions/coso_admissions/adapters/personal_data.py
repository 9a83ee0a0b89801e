"""Envelope encryption of personal data: one data key per person, wrapped by a master key.

- A person's data key is created the first time their data is sealed, wrapped (encrypted)
  with the master key and kept in `admissions_person_keys`; it never leaves admissions.
- Personal fields are sealed with the data key (Fernet: AES-128-CBC + HMAC-SHA256) and the
  ciphertext travels in `PersonalDataRecorded` events: no plaintext is stored in the event
  store or published.
- Erasing a person deletes their key row: every copy of their ciphertext, in the store, on
  the wire or in backups of the events, becomes unreadable, while their other events (and
  so every count) stay.

The master key(s) come from configuration (`options.personal_data.master_keys`, env
`COSO_ADMISSIONS_MASTER_KEYS`, comma-separated Fernet keys): the first wraps new data keys,
the others still unwrap old ones (rotation).
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Connection, delete, insert, select

from coso_admissions.adapters.tables import person_keys

ERASED = "erased"


class MasterKeyMissing(ValueError):
    """No master key is configured, so personal data cannot be sealed or read."""


class EnvelopeCipher:
    def __init__(self, master_keys: list[str]) -> None:
        keys = [k.strip() for k in master_keys if k and k.strip()]
        if not keys:
            raise MasterKeyMissing(
                "options.personal_data.master_keys is empty: set COSO_ADMISSIONS_MASTER_KEYS to a Fernet key "
                "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
            )
        try:
            self._master = MultiFernet([Fernet(k) for k in keys])
        except ValueError as exc:
            raise MasterKeyMissing(f"a configured master key is not a Fernet key: {exc}") from None

    def seal(self, connection: Connection, person_id: str, fields: dict[str, Any]) -> str:
        """Encrypt a person's fields with their data key, creating the key on first use."""
        wrapped = connection.scalar(select(person_keys.c.wrapped_key).where(person_keys.c.person_id == person_id))
        if wrapped is None:
            data_key = Fernet.generate_key()
            connection.execute(
                insert(person_keys).values(person_id=person_id, wrapped_key=self._master.encrypt(data_key).decode())
            )
        else:
            data_key = self._master.decrypt(wrapped.encode())
        plaintext = json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str).encode()
        return Fernet(data_key).encrypt(plaintext).decode()

    def open(self, connection: Connection, person_id: str, sealed: str) -> dict[str, Any] | None:
        """The person's fields, or None if their key is gone (erased)."""
        wrapped = connection.scalar(select(person_keys.c.wrapped_key).where(person_keys.c.person_id == person_id))
        if wrapped is None:
            return None
        try:
            data_key = self._master.decrypt(wrapped.encode())
            opened: dict[str, Any] = json.loads(Fernet(data_key).decrypt(sealed.encode()))
        except InvalidToken:
            return None
        return opened

    @staticmethod
    def erase(connection: Connection, person_id: str) -> bool:
        """Destroy the person's data key; True if there was one."""
        return bool(connection.execute(delete(person_keys).where(person_keys.c.person_id == person_id)).rowcount)
