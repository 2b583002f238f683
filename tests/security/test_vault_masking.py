"""The vault (encrypted at rest, 0600 key) and the masker every sink uses."""

from __future__ import annotations

import logging
import stat
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pyotp
import pytest

from eclair.security.artifacts import black_out, scrub_downloads, scrub_trace_zip
from eclair.security.guard import MaskedStore, RunGuard, resolve_secrets
from eclair.security.logs import SecretFilter, masking_logs
from eclair.security.masking import Masker, encoded_forms, placeholder_names
from eclair.security.vault import Vault, VaultError
from eclair.types import Action, Decision, Element, Observation, StepRecord, Task

SEED = pyotp.random_base32()


def test_vault_round_trip_is_encrypted_at_rest(tmp_path: Path) -> None:
    vault = Vault(tmp_path, use_keyring=False)
    vault.set("DB_PW", "s3cret-value!")
    assert vault.get("DB_PW") == "s3cret-value!"
    assert b"s3cret-value!" not in (tmp_path / "vault.json").read_bytes()
    assert stat.S_IMODE((tmp_path / "vault.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "vault.json").stat().st_mode) == 0o600
    assert [e.name for e in Vault(tmp_path, use_keyring=False).list()] == ["DB_PW"]
    vault.remove("DB_PW")
    with pytest.raises(VaultError, match="eclair secrets set DB_PW"):
        vault.get("DB_PW")


def test_vault_refuses_bad_input_and_a_foreign_key(tmp_path: Path) -> None:
    vault = Vault(tmp_path, use_keyring=False)
    with pytest.raises(VaultError, match="not valid"):
        vault.set("has space", "x")
    with pytest.raises(VaultError, match="base32"):
        vault.set("MFA", "not a seed!", kind="totp")
    vault.set("A", "value-a")
    (tmp_path / "vault.key").unlink()
    with pytest.raises(VaultError, match="cannot be decrypted"):
        Vault(tmp_path, use_keyring=False).get("A")
    (tmp_path / "vault.key").chmod(0o644)
    with pytest.raises(VaultError, match="chmod 600"):
        Vault(tmp_path, use_keyring=False).get("A")


def test_masker_hides_every_spelling_and_fills_totp() -> None:
    masker = Masker({"PW": "p@ss word/42", "MFA.totp": SEED})
    assert "p%40ss%20word%2F42" in encoded_forms("p@ss word/42")
    url = "https://x.test/?q=p%40ss+word%2F42&r=p%40ss%20word%2F42"
    assert masker.text(url) == "https://x.test/?q={{PW}}&r={{PW}}"
    typed = masker.fill("{{PW}} then {{ MFA.totp }}")
    code = pyotp.TOTP(SEED).now()
    assert typed == f"p@ss word/42 then {code}"
    assert masker.text(f"your code {code} is fine") == "your code {{MFA.totp}} is fine"
    assert masker.text(f"seed {SEED}") == "seed {{MFA}}"
    assert placeholder_names("log in with {{PW}} and {{MFA.totp}}, not {x}") == {"PW", "MFA.totp"}


def test_masked_store_and_observation_hold_no_value(tmp_path: Path) -> None:
    masker = Masker({"PW": "tangerine-42"})
    element = Element(id="3", role="textbox", name="Token", value="tangerine-42", bbox=(0, 0, 10, 10))
    obs = Observation(url="http://h/?t=tangerine-42", title="hi tangerine-42", elements=[element], text="tangerine-42")
    masker.observation(obs)
    assert "tangerine" not in obs.model_dump_json()
    step = StepRecord(
        index=0,
        observation=Observation(url="u", title="t", text="x", screenshot=b"PNG"),
        decision=Decision(action=Action(kind="type", element="3", text="{{PW}}"), rationale="typed tangerine-42"),
        feedback="error: option 'tangerine-42' missing",
    )
    written: list[StepRecord] = []

    class FakeStore:
        def record_step(self, run_id: str, record: StepRecord, png: bytes | None) -> StepRecord:
            written.append(record)
            assert png == b"PNG"
            return record

    saved = MaskedStore(FakeStore(), masker).record_step("r", step)  # type: ignore[arg-type]
    assert "tangerine" not in written[0].model_dump_json()
    assert saved.observation.screenshot == b"PNG"


def test_resolve_secrets_reads_the_vault_and_names_the_fix(tmp_path: Path) -> None:
    vault = Vault(tmp_path, use_keyring=False)
    vault.set("PW", "value-pw")
    vault.set("MFA", SEED, kind="totp")
    task = Task(text="log in with {{PW}} and {{MFA.totp}}", secrets={"own": "x"})
    assert resolve_secrets(task, vault) == {"own": "x", "PW": "value-pw", "MFA.totp": SEED}
    with pytest.raises(VaultError, match=r"write \{\{MFA.totp\}\}"):
        resolve_secrets(Task(text="code {{MFA}}"), vault)
    with pytest.raises(VaultError, match="eclair secrets set NOPE"):
        resolve_secrets(Task(text="use {{NOPE}}"), vault)
    assert not RunGuard.for_task(Task(text="no secrets here")).active


def test_log_records_are_masked_whatever_the_handler(caplog: pytest.LogCaptureFixture) -> None:
    masker = Masker({"PW": "tangerine-42"})
    logger = logging.getLogger("eclair.test.secrets")
    with caplog.at_level(logging.DEBUG, logger="eclair.test.secrets"), masking_logs(masker):
        logger.warning("download %s failed", "http://h/tangerine-42.txt")
        try:
            raise ValueError("bad tangerine-42")
        except ValueError:
            logger.exception("boom")
    text = "\n".join(caplog.text.splitlines())
    assert "{{PW}}" in text and "tangerine" not in text
    with caplog.at_level(logging.DEBUG, logger="eclair.test.secrets"):
        logger.warning("after the run: tangerine-42")  # the masker is no longer active: nothing to hide
    assert "after the run: tangerine-42" in caplog.text
    record = logging.LogRecord("x", logging.INFO, "f", 1, "v=%s", ("tangerine-42",), None)
    with masking_logs(masker):
        SecretFilter().filter(record)
    assert record.getMessage() == "v={{PW}}"


def test_trace_zip_and_downloads_are_rewritten(tmp_path: Path) -> None:
    masker = Masker({"PW": "tangerine-42"})
    trace = tmp_path / "trace.zip"
    with zipfile.ZipFile(trace, "w") as zf:
        zf.writestr("trace.trace", '{"method":"fill","params":{"value":"tangerine-42"}}\n')
        zf.writestr("resources/page.html", "<input value=&quot;tangerine-42&quot;>")
        zf.writestr("resources/frame.jpeg", b"\xff\xd8\xff\x00binary")
    assert scrub_trace_zip(trace, masker) == 2
    with zipfile.ZipFile(trace) as zf:
        blob = b"".join(zf.read(n) for n in zf.namelist())
    assert b"tangerine" not in blob and b"\xff\xd8\xff\x00binary" in blob
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / "report-tangerine-42.txt").write_text("token=tangerine-42\n")
    assert scrub_downloads(downloads, masker) == 2
    (only,) = list(downloads.iterdir())
    assert only.name == "report-{{PW}}.txt" and "tangerine" not in only.read_text()


def test_black_out_paints_the_box_in_image_pixels() -> None:
    image = np.full((100, 200, 3), 255, np.uint8)
    ok, png = cv2.imencode(".png", image)
    assert ok
    out = cv2.imdecode(np.frombuffer(black_out(png.tobytes(), [(50, 10, 20, 10)], viewport_width=100), np.uint8), 1)
    assert out[40, 130].max() == 0  # (x 65, y 20) CSS px at scale 2
    assert out[90, 10].min() == 255
