"""A run whose weights are missing says so once, listing every missing piece, and names `deig download`.

The suite runs offline with an empty hub cache, so every hub model here is missing.
"""

from __future__ import annotations

from pathlib import Path

POSED = """caption: a man waving next to a woman
width: 512
height: 512
instances:
  - {name: man, caption: a man in a red hat, box: [0.05, 0.1, 0.45, 0.95], pose: waving}
  - {name: woman, caption: a woman in a yellow dress, box: [0.55, 0.1, 0.95, 0.95]}
"""
SD15 = "stable-diffusion-v1-5/stable-diffusion-v1-5"
CN15 = "lllyasviel/control_v11p_sd15_openpose"


def test_a_posed_scene_lists_base_model_and_controlnet_at_once(cli, tmp_path: Path) -> None:
    scene = tmp_path / "posed.yaml"
    scene.write_text(POSED)
    for renderer in ("regional", "finecontrolnet"):
        result = cli("render", "--scene", scene, "--renderer", renderer, "-o", tmp_path / "out")
        assert result.code == 4, result.stderr
        assert result.error_lines == ["Error: 2 pieces of this run's weights are not downloaded"]
        assert f"  base model: {SD15} (not downloaded)" in result.stderr
        assert f"  OpenPose ControlNet (for the posed instances): {CN15} (not downloaded)" in result.stderr
        assert f"Hint: Run `deig download {SD15} {CN15}` once" in result.stderr
        assert "--model PATH" not in result.stderr and "hf download" not in result.stderr
        assert not (tmp_path / "out").exists()


def test_an_unposed_scene_needs_only_the_base_model(cli, tmp_path: Path) -> None:
    result = cli("render", "a red apple on a table", "--dtype", "float16", "-o", tmp_path / "out")
    assert result.code == 4
    assert result.error_lines == ["Error: 1 piece of this run's weights is not downloaded"]
    assert f"Run `deig download {SD15} --dtype float16` once" in result.stderr


def test_download_refuses_to_work_offline_and_says_why(cli) -> None:
    result = cli("download")
    assert result.code == 2 and "HF_HUB_OFFLINE" in result.stderr


def test_deig_names_download_and_conversion(cli, tmp_path: Path) -> None:
    result = cli("render", "a cat", "--renderer", "deig", "-o", tmp_path / "out")
    assert result.code == 4, result.stderr
    assert "DEIG checkpoint (model.pth + T5-XL/): dushy5/DEIG (not downloaded; licence not stated)" in result.stderr
    assert "deig download dushy5/DEIG --accept-license" in result.stderr
    assert "`deig convert deig dushy5/DEIG`" in result.stderr


def test_validate_never_depends_on_weights_and_notes_their_state(cli, tmp_path: Path) -> None:
    scene = tmp_path / "posed.yaml"
    scene.write_text(POSED)
    for renderer, needed in (("finecontrolnet", f"deig download {SD15} {CN15}"),
                             ("regional", f"deig download {SD15} {CN15}"),
                             ("deig", "deig download dushy5/DEIG --accept-license")):
        result = cli("validate", scene, "--renderer", renderer)
        assert result.code == 0, result.stderr
        assert "1 scene(s) in 1 file(s): valid" in result.stderr
        assert f"Note: renderer '{renderer}' cannot render them here yet" in result.stderr and needed in result.stderr
    assert "deig convert deig dushy5/DEIG" in result.stderr
