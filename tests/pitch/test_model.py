"""The shipped model artifact: checksum, load, freshness; and bad input to ``downline screen``."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from downline.errors import ArtifactError
from downline.pitch import screen, screen_many
from downline.pitch.model import (
    ARTIFACT_VERSION,
    PitchClassifier,
    _data_sha256,
    default_classifier,
    featurize,
)

MODEL_DIR = Path(str(resources.files("downline.pitch") / "data" / "model"))


def test_artifact_loads_and_matches_its_checksum():
    clf = PitchClassifier.load(MODEL_DIR)
    assert clf.meta_["version"] == ARTIFACT_VERSION
    assert 0.5 <= clf.threshold_ <= 0.95
    assert clf.coef_.shape == (clf.n_features, 4)
    p = clf.violation_proba(["Quit your job, I made $4,000 last month", "Happy Monday!"])
    assert p[0] > p[1]


def test_artifact_is_fresh():
    meta = json.loads((MODEL_DIR / "pitch-model.json").read_text(encoding="utf-8"))
    assert meta["data_sha256"] == _data_sha256(), (
        "corpus, train.csv or conditions changed: rebuild the model artifact "
        "(python -m downline.pitch.model build)")


def test_tampered_or_missing_artifact_is_refused(tmp_path):
    shutil.copytree(MODEL_DIR, tmp_path / "m")
    npz = tmp_path / "m" / "pitch-model.npz"
    raw = bytearray(npz.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    npz.write_bytes(bytes(raw))
    with pytest.raises(ArtifactError, match="checksum"):
        PitchClassifier.load(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "pitch-model.json").read_text())
    meta["version"] = ARTIFACT_VERSION + 1
    (tmp_path / "m" / "pitch-model.json").write_text(json.dumps(meta))
    with pytest.raises(ArtifactError, match="version"):
        PitchClassifier.load(tmp_path / "m")
    with pytest.raises(ArtifactError):
        PitchClassifier.load(tmp_path / "nowhere")


def test_saved_model_reloads_identically(tmp_path):
    clf = default_classifier()
    clf.save(tmp_path)
    again = PitchClassifier.load(tmp_path)
    texts = ["oils for pms and cramps", "join my team for financial freedom", "hello"]
    assert np.allclose(clf.predict_proba(texts), again.predict_proba(texts))


def test_features_generalize_across_conditions_and_amounts():
    indptr, idx, _ = featurize(["oils for gout", "oils for pms", "i made $1,730", "i made 12k"])
    rows = [set(idx[indptr[i]:indptr[i + 1]].tolist()) for i in range(4)]
    assert rows[0] == rows[1]          # both conditions become one token
    assert rows[2] & rows[3]           # both amounts become one token


def test_batched_and_single_scores_agree():
    texts = ["Got jaw pain? DM me for my oil trick", "Ready for #financialfreedom?", "Hi"]
    batch = screen_many(texts)
    for t, s in zip(texts, batch, strict=True):
        assert screen(t).model_score == pytest.approx(s.model_score)


def _run_cli(args: list[str], capsys) -> tuple[int, str]:
    """Run ``downline`` in-process as the console script does; exit code and output."""
    from downline.cli import main

    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return exc.value.code, out.out + out.err


@pytest.mark.parametrize("content,message", [
    (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "not a text file"),
    (b"", "empty"),
    (b"  \n\t\n", "empty"),
    (bytes(range(1, 9)) * 40, "not a text file"),
])
def test_cli_refuses_files_that_are_not_text(tmp_path, capsys, content, message):
    path = tmp_path / "post.txt"
    path.write_bytes(content)
    code, output = _run_cli(["screen", str(path), "--no-model"], capsys)
    assert code == 2
    assert message in output and len(output.strip().splitlines()) == 1


def test_cli_refuses_a_program(capsys):
    code, output = _run_cli(["screen", "/bin/ls", "--no-model"], capsys)
    assert code == 2 and "not a text file" in output


def test_cli_reads_windows_1252_text(tmp_path, capsys):
    path = tmp_path / "post.txt"
    path.write_bytes("Gané 2.000 € este mes – únete".encode("cp1252"))
    code, output = _run_cli(["screen", str(path), "--no-model"], capsys)
    assert code == 1 and "INC-1" in output
