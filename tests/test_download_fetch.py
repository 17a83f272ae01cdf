"""Fetching through huggingface_hub from a hub on 127.0.0.1: only the chosen files, resumed, with consent.

The served repositories are the tiny preset saved as real diffusers folders, plus what a real
repository also carries and a render never loads (a single-file checkpoint, pickles, non-EMA
weights, a safety checker). `deig` runs as a subprocess with HF_ENDPOINT pointing at the server;
the network guard (tests/netguard) keeps it on the loopback.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from conftest import REPO, run_deig
from hub_server import FakeRepo, HubServer
from tiny_pipelines import save_tiny_pipeline

MODEL = "someone/tiny-sd"
CONTROLNET = "lllyasviel/control_v11p_sd15_openpose"  # the default partner of an SD-1.5 model
JUNK = {"v1-5-pruned-emaonly.safetensors": b"s" * 300, "unet/diffusion_pytorch_model.bin": b"b" * 200,
        "unet/diffusion_pytorch_model.non_ema.safetensors": b"n" * 200, "safety_checker/config.json": b"{}",
        "safety_checker/model.safetensors": b"c" * 100, "text_encoder/flax_model.msgpack": b"f" * 50}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def repos(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    from renderers.diffusion import tiny

    root = tmp_path_factory.mktemp("repos")
    save_tiny_pipeline("sd15", root / "sd")
    from diffusers import UNet2DConditionModel

    unet = UNet2DConditionModel.from_pretrained(root / "sd", subfolder="unet")
    unet.to(torch.float16).save_pretrained(root / "half", variant="fp16")  # an fp16 variant, as real repos have
    model = _files(root / "sd") | {f"unet/{k}": v for k, v in _files(root / "half").items() if "fp16" in k} | JUNK
    tiny.build_controlnet("sd15").save_pretrained(root / "cn")
    controlnet = _files(root / "cn") | {"diffusion_pytorch_model.bin": b"p" * 100}
    return {MODEL: model, CONTROLNET: controlnet}


def hub_env(url: str) -> dict[str, str]:
    return {"HF_ENDPOINT": url, "HF_HUB_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "0",
            "PYTHONPATH": os.pathsep.join([str(REPO / "tests" / "netguard"), os.environ.get("PYTHONPATH", "")])}


def snapshot(repo_id: str) -> Path:
    storage = Path(os.environ["HF_HOME"]) / "hub" / ("models--" + repo_id.replace("/", "--"))
    commit = (storage / "refs" / "main").read_text().strip()
    return storage / "snapshots" / commit


MODEL_FULL = {"model_index.json", "scheduler/scheduler_config.json", "text_encoder/config.json",
              "text_encoder/model.safetensors", "unet/config.json", "unet/diffusion_pytorch_model.safetensors",
              "vae/config.json", "vae/diffusion_pytorch_model.safetensors"}


def tokenizer_files(files: dict[str, bytes]) -> set[str]:
    return {p for p in files if p.startswith("tokenizer/")}


def test_download_fetches_only_what_a_render_loads_and_says_how_much_first(repos):
    with HubServer({k: FakeRepo(v) for k, v in repos.items()}) as hub:
        result = run_deig("download", MODEL, "--dtype", "float16", env=hub_env(hub.url))
        assert result.code == 0, result.stderr
        expected = (MODEL_FULL - {"unet/diffusion_pytorch_model.safetensors"}) \
            | {"unet/diffusion_pytorch_model.fp16.safetensors"} | tokenizer_files(repos[MODEL])
        assert hub.state.fetched(MODEL) == expected
        assert hub.state.fetched(CONTROLNET) == {"config.json", "diffusion_pytorch_model.safetensors"}
    size = sum(len(repos[MODEL][p]) for p in expected)
    said = result.stderr.splitlines()
    assert said[0] == "Will download:"
    assert f"base model: {MODEL} — {len(expected)} files" in said[1] and "fp16 weights" in said[1]
    assert f"{size / 1e6:.1f} MB" in said[1] and "OpenPose ControlNet: " + CONTROLNET in said[2]
    assert result.stdout.splitlines() == [str(snapshot(MODEL)), str(snapshot(CONTROLNET))]
    for path in expected:
        assert (snapshot(MODEL) / path).read_bytes() == repos[MODEL][path]


def test_a_dropped_download_resumes_where_it_stopped_and_a_rerun_keeps_finished_files():
    # big enough that huggingface_hub has written some of it (it writes in 10 MiB pieces) when the line drops
    data = bytes(range(256)) * (24 * 1024 * 1024 // 256)
    weights = "diffusion_pytorch_model.safetensors"
    served = FakeRepo({"config.json": b"{}", weights: data}, drop_once={weights})
    with HubServer({"someone/big-controlnet": served}) as hub:
        result = run_deig("download", "someone/big-controlnet", "--dtype", "float32", env=hub_env(hub.url))
        assert result.code == 0, result.stderr
        gets = [r.range for r in hub.state.requests if r.method == "GET" and r.path.endswith(weights)]
        assert len(gets) == 2 and gets[0] is None  # the second request continues the first
        resumed_at = int(gets[1].removeprefix("bytes=").removesuffix("-"))
        assert 0 < resumed_at <= len(data) // 2
        assert (snapshot("someone/big-controlnet") / weights).read_bytes() == data
        hub.state.requests.clear()
        again = run_deig("download", "someone/big-controlnet", "--dtype", "float32", env=hub_env(hub.url))
        assert again.code == 0, again.stderr
        assert not hub.state.fetched("someone/big-controlnet")
        assert "already here" in again.stderr and "0.0 MB to download" in again.stderr


def test_render_download_fetches_the_missing_pieces_then_renders(repos, tmp_path):
    scene = tmp_path / "posed.yaml"
    scene.write_text("caption: a man waving\nwidth: 64\nheight: 64\nseed: 3\ninstances:\n"
                     "  - {name: man, caption: a man in a red hat, box: [0.2, 0.1, 0.8, 0.95], pose: waving}\n")
    with HubServer({k: FakeRepo(v) for k, v in repos.items()}) as hub:
        refused = run_deig("render", "--scene", scene, "--model", MODEL, "--steps", "1", "--device", "cpu",
                           "-o", tmp_path / "no", env=hub_env(hub.url))
        assert refused.code == 4 and not hub.state.fetched(MODEL)  # a pipe without --download: the error
        assert not (tmp_path / "no").exists()
        result = run_deig("render", "--scene", scene, "--model", MODEL, "--steps", "1", "--device", "cpu",
                          "-o", tmp_path / "out", env={**hub_env(hub.url), "DEIG_DOWNLOAD": "1"})
        assert result.code == 0, result.stderr
        assert hub.state.fetched(MODEL) == MODEL_FULL | tokenizer_files(repos[MODEL])  # float32 on the CPU
        assert hub.state.fetched(CONTROLNET) == {"config.json", "diffusion_pytorch_model.safetensors"}
    assert Path(result.stdout.strip()).is_file()
    assert "This run needs weights that are not downloaded yet:" in result.stderr


def test_gated_or_unlicensed_weights_need_their_own_opt_in(repos):
    gated = {"someone/gated-sd": FakeRepo(repos[MODEL], licence="other", gated="manual")}
    with HubServer(gated) as hub:
        refused = run_deig("download", "someone/gated-sd", "--no-controlnet", env=hub_env(hub.url))
        assert refused.code == 2 and not hub.state.fetched("someone/gated-sd")
        assert "licence other, gated" in refused.stderr and "--accept-license" in refused.stderr
        forced = run_deig("render", "a cat", "--model", "someone/gated-sd", "--download", "--device", "cpu",
                          "-o", "unused-out", env=hub_env(hub.url))
        assert forced.code == 4 and not hub.state.fetched("someone/gated-sd")
        assert "--accept-license" in forced.stderr
        accepted = run_deig("download", "someone/gated-sd", "--no-controlnet", "--accept-license",
                            env=hub_env(hub.url))
        assert accepted.code == 0, accepted.stderr and hub.state.fetched("someone/gated-sd")


def test_on_a_terminal_render_says_what_and_how_much_and_asks_once(repos, tmp_path):
    import pty
    import select
    import subprocess
    import sys

    question = b"Download them now? [y/N] "
    with HubServer({k: FakeRepo(v) for k, v in repos.items()}) as hub:
        primary, secondary = pty.openpty()
        process = subprocess.Popen(
            [sys.executable, "-m", "deigcli", "render", "a red apple", "--model", MODEL, "--device", "cpu",
             "-o", str(tmp_path / "out")],
            stdin=secondary, stdout=subprocess.PIPE, stderr=secondary, env={**os.environ, **hub_env(hub.url),
                                                                            "TERM": "xterm"})
        os.close(secondary)
        said = b""
        while question not in said:  # wait for the question (the child blocks on it)
            ready, _, _ = select.select([primary], [], [], 300)
            assert ready, said.decode(errors="replace")
            said += os.read(primary, 4096)
        os.write(primary, b"n\n")
        process.communicate(timeout=300)
        try:
            while chunk := os.read(primary, 4096):
                said += chunk
        except OSError:  # the child closed the terminal
            pass
        os.close(primary)
        assert not hub.state.fetched(MODEL)
    text = said.decode("utf-8", "replace")
    assert process.returncode == 4, text
    assert text.count("Download them now?") == 1
    assert "This run needs weights that are not downloaded yet:" in text and f"base model: {MODEL}" in text
    assert "MB to download" in text and "deig download someone/tiny-sd" in text
    assert not (tmp_path / "out").exists()


def test_the_controlnet_follows_the_downloaded_models_family_not_its_name(tmp_path, monkeypatch):
    """An SDXL model whose name does not say so: its model_index.json decides the ControlNet, fetched once."""
    import huggingface_hub.constants

    from deigcli.weights import ensure
    from renderers.regional import RegionalRenderer
    from scenes.model import Scene

    save_tiny_pipeline("sdxl", tmp_path / "xl")
    served = {"someone/tiny-base": FakeRepo(_files(tmp_path / "xl")),
              "xinsir/controlnet-openpose-sdxl-1.0": FakeRepo({"config.json": b"{}", "diffusion_pytorch_model."
                                                               "safetensors": b"w" * 64}),
              CONTROLNET: FakeRepo({"config.json": b"{}", "diffusion_pytorch_model.safetensors": b"v" * 64})}
    scene = Scene.model_validate({"caption": "a man", "width": 64, "height": 64, "instances": [
        {"name": "man", "caption": "a man", "box": [0.1, 0.1, 0.9, 0.9], "pose": "waving"}]})
    renderer = RegionalRenderer(RegionalRenderer.Options(model="someone/tiny-base", device="cpu", dtype="float32"))
    with HubServer(served) as hub:
        for name, value in hub_env(hub.url).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
        assert [n.repo_id for n in renderer.weight_needs([scene])] == ["someone/tiny-base", CONTROLNET]  # a guess
        ensure(lambda: renderer.weight_needs([scene]), download=True)
        assert hub.state.fetched("xinsir/controlnet-openpose-sdxl-1.0") == {"config.json",
                                                                            "diffusion_pytorch_model.safetensors"}
        assert not hub.state.fetched(CONTROLNET)
    assert [n.repo_id for n in renderer.weight_needs([scene])] == ["someone/tiny-base",
                                                                   "xinsir/controlnet-openpose-sdxl-1.0"]
    assert all(need.here for need in renderer.weight_needs([scene]))
