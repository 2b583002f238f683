"""The secrets vault: named values encrypted at rest (Fernet), the key in the OS keyring or a 0600 key file.

Tasks and workflows name a secret as `{{NAME}}`; a TOTP seed stored with `--totp` is typed as `{{NAME.totp}}`
(the current code, computed at the moment of acting). Values never leave this module except to the runner's
typing hook and the masker that hides them everywhere else.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from eclair.errors import EclairError

log = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
KEYRING_SERVICE = "eclair-vault"
SecretKind = Literal["secret", "totp"]


class VaultError(EclairError):
    """A vault problem a user can fix (bad name, unknown secret, unreadable key); the message says how."""


@dataclass(frozen=True)
class SecretEntry:
    name: str
    kind: SecretKind
    created_at: str


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise VaultError(
            f"secret name {name!r} is not valid; use a letter then letters, digits, '_' or '-' (at most 64)"
        )
    return name


def check_totp_seed(seed: str) -> str:
    """A base32 TOTP seed (spaces allowed, as apps print them); raises VaultError when pyotp cannot use it."""
    import pyotp

    cleaned = seed.replace(" ", "").upper()
    try:
        pyotp.TOTP(cleaned).now()
    except Exception as exc:  # binascii.Error, ValueError: not base32
        raise VaultError(f"the TOTP seed is not base32 ({exc}); paste the seed the site showed") from None
    return cleaned


def totp_code(seed: str) -> str:
    import pyotp

    return str(pyotp.TOTP(seed).now())


class Vault:
    """`<data_dir>/vault.json` holds Fernet tokens; the key comes from the keyring when usable, else vault.key."""

    def __init__(self, data_dir: Path, *, use_keyring: bool = True) -> None:
        self.data_dir = data_dir
        self.path = data_dir / "vault.json"
        self.key_path = data_dir / "vault.key"
        self.use_keyring = use_keyring
        self._fernet: object | None = None

    # ---- public API --------------------------------------------------------------------------------------------
    def set(self, name: str, value: str, *, kind: SecretKind = "secret") -> None:
        check_name(name)
        if not value:
            raise VaultError(f"the value for {name!r} is empty; type it at the prompt or pipe it on stdin")
        if kind == "totp":
            value = check_totp_seed(value)
        entries = self._load()
        token = self._cipher().encrypt(value.encode()).decode()  # type: ignore[attr-defined]
        entries[name] = {"kind": kind, "token": token, "created_at": datetime.now(UTC).isoformat(timespec="seconds")}
        self._save(entries)

    def get(self, name: str) -> str:
        entry = self._load().get(name)
        if entry is None:
            raise VaultError(f"{{{{{name}}}}} is not in the vault; add it with `eclair secrets set {name}`")
        from cryptography.fernet import InvalidToken

        try:
            return self._cipher().decrypt(entry["token"].encode()).decode()  # type: ignore[attr-defined,no-any-return]
        except InvalidToken:
            raise VaultError(
                f"secret {name!r} cannot be decrypted with this vault's key ({self._key_source()}); "
                f"set it again with `eclair secrets set {name}`"
            ) from None

    def kind(self, name: str) -> SecretKind:
        entry = self._load().get(name)
        if entry is None:
            raise VaultError(f"{{{{{name}}}}} is not in the vault; add it with `eclair secrets set {name}`")
        return entry.get("kind", "secret")  # type: ignore[no-any-return]

    def remove(self, name: str) -> None:
        entries = self._load()
        if name not in entries:
            raise VaultError(f"secret {name!r} is not in the vault; `eclair secrets list` shows the names")
        del entries[name]
        self._save(entries)

    def list(self) -> list[SecretEntry]:
        return [
            SecretEntry(name=name, kind=entry.get("kind", "secret"), created_at=entry.get("created_at", ""))
            for name, entry in sorted(self._load().items())
        ]

    def names(self) -> set[str]:
        return set(self._load())

    # ---- storage -----------------------------------------------------------------------------------------------
    def _load(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError) as exc:
            raise VaultError(f"the vault file {self.path} is unreadable ({exc}); move it away to start anew") from None
        return data.get("secrets", {}) if isinstance(data, dict) else {}

    def _save(self, entries: dict[str, dict[str, str]]) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump({"version": 1, "secrets": entries}, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    def _cipher(self) -> object:
        if self._fernet is None:
            from cryptography.fernet import Fernet

            self._fernet = Fernet(self._key())
        return self._fernet

    def _key(self) -> bytes:
        keyring_key = self._keyring_key()
        if keyring_key is not None:
            return keyring_key
        return self._file_key()

    def _key_source(self) -> str:
        return "OS keyring" if self._keyring_key(create=False) is not None else str(self.key_path)

    def _keyring_key(self, *, create: bool = True) -> bytes | None:
        """The key from the OS keyring, or None when keyring is missing, has no usable backend, or a key file
        already exists (a vault started on a key file stays on it)."""
        if not self.use_keyring or self.key_path.exists():
            return None
        try:
            import keyring
            from keyring.backends import fail
        except ImportError:
            return None
        try:
            if isinstance(keyring.get_keyring(), fail.Keyring):
                return None
            account = str(self.data_dir.resolve())
            stored = keyring.get_password(KEYRING_SERVICE, account)
            if stored is None and create:
                from cryptography.fernet import Fernet

                stored = Fernet.generate_key().decode()
                keyring.set_password(KEYRING_SERVICE, account, stored)
            return stored.encode() if stored else None
        except Exception as exc:  # a locked or absent keyring daemon: fall back to the key file
            log.info("OS keyring unusable (%s); using %s", type(exc).__name__, self.key_path)
            return None

    def _file_key(self) -> bytes:
        if self.key_path.exists():
            mode = self.key_path.stat().st_mode & 0o777
            if mode & 0o077:
                raise VaultError(f"{self.key_path} is readable by others (mode {mode:o}); run chmod 600 on it")
            return self.key_path.read_bytes().strip()
        from cryptography.fernet import Fernet

        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = Fernet.generate_key()
        fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        return key
