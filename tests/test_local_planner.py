"""The local planner: a transformers chat model in this process, replies valid by construction.

The model is `tiny-chat` (random weights, byte-level tokenizer with a chat template, built in-process):
it writes noise, so every valid scene it yields is the constraint's doing, and the same model without
the constraint must fail.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO
from tiny_pipelines import one_thread  # noqa: F401 (autouse fixture: the tiny chat model runs in this process)

from planners.llm.reply import reply_json_schema
from planners.local import constraint
from planners.local.constraint import BoxGuard, DigitTable, bounded_schema
from scenes.model import Scene

PROMPTS = [
    "a man in a red hat next to a woman in a yellow dress", "three apples on a wooden table",
    "a dog under a bench in a park", "two cats sleeping on a sofa", "a red car parked beside a lamp post",
    "a girl flying a kite on a beach", "a teapot and two cups on a tray", "a horse in a field at sunset",
    "a boy holding a blue balloon", "four birds on a wire", "a chef cooking in a kitchen",
    "a laptop on a desk with a mug", "a snowman wearing a scarf", "two children building a sandcastle",
    "a bicycle leaning on a fence", "a cat on a windowsill", "a woman reading a book under a tree",
    "a vase of sunflowers on a table", "a bus stopping at a bus stop", "an old man with a cane",
    "a couple dancing in a ballroom", "a basket of oranges", "a lighthouse on a cliff",
    "a pizza with mushrooms", "a guitar leaning against an amplifier", "a clock above a fireplace",
    "three ducks on a pond", "a man walking a dog in the rain", "a train crossing a bridge",
    "a robot holding a flower",
]
SMALL = ["-P", "caption_chars=16", "-P", "name_chars=6", "-P", "max_tokens=400", "-P", "cache=false"]


@pytest.fixture
def loads(monkeypatch):
    """Counts model loads (the real loader runs)."""
    from planners.local import transport

    count = []
    real = transport._load

    def counting(options):
        count.append(options.model)
        return real(options)

    monkeypatch.setattr(transport, "_load", counting)
    transport._LOADED.clear()
    yield count
    transport._LOADED.clear()


def test_thirty_prompts_give_thirty_valid_scenes_and_the_unconstrained_model_fails(tmp_path, cli, loads):
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("\n".join(PROMPTS) + "\n")
    result = cli("plan", "-f", str(prompts), "--planner", "local", "--llm-model", "tiny-chat", "--format", "jsonl",
                 *SMALL)
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 30
    schema = json.loads(cli("schema").stdout)
    import jsonschema

    for line, prompt in zip(lines, PROMPTS, strict=True):
        document = json.loads(line)
        jsonschema.validate(document, schema)
        scene = Scene.model_validate(document)
        assert scene.prompt == prompt
        for instance in scene.instances:  # boxes valid by construction: corners ordered, 8 px at least
            x0, y0, x1, y1 = instance.box
            assert (x1 - x0) * scene.width >= 8 - 1e-6 and (y1 - y0) * scene.height >= 8 - 1e-6
    assert loads == ["tiny-chat"]  # one load for the whole batch
    unconstrained = cli("plan", PROMPTS[0], "--planner", "local", "--llm-model", "tiny-chat", "-P", "mode=text",
                        *SMALL)
    assert unconstrained.code == 3, unconstrained.stderr
    assert "still invalid" in unconstrained.stderr


def test_the_manifest_record_names_the_local_model_and_its_decoding(tmp_path, cli, loads):
    result = cli("plan", "a red apple", "--planner", "local", "--llm-model", "tiny-chat", "--format", "json", *SMALL)
    assert result.code == 0, result.stderr
    rendered = cli("render", "a red apple", "--planner", "local", "--llm-model", "tiny-chat", "--renderer",
                   "preview", "-o", str(tmp_path / "out"), "--json", *SMALL)
    assert rendered.code == 0, rendered.stderr
    manifest = json.loads(next((tmp_path / "out").glob("*.json")).read_text())
    planner = manifest["planner"]
    assert planner["name"] == "local" and planner["model"] == "tiny-chat" and planner["mode"] == "json_schema"
    assert planner["options"]["caption_chars"] == 16 and planner["base_url_host"] == "in-process"


# -- the constraint, piece by piece ------------------------------------------------------------

def test_the_longest_reply_the_bounded_schema_allows_fits_the_token_budget():
    schema = bounded_schema(reply_json_schema(), text_chars=50, name_chars=10, max_tokens=1200, max_instances=100,
                            width=1024, height=768)
    count = schema["properties"]["instances"]["maxItems"]
    longest_pose = max(schema["$defs"]["ReplyInstance"]["properties"]["pose"]["anyOf"][0]["enum"], key=len)
    instance = {"name": "n" * 10, "caption": "c" * 50, "box": [1024, 1024, 1024, 1024], "pose": longest_pose}
    reply = {"caption": "c" * 50, "background": "b" * 50, "negative": "x" * 50, "instances": [instance] * count}
    assert count >= 1 and len(json.dumps(reply, separators=(",", ":"))) <= 1200
    reply["instances"].append(instance)
    assert len(json.dumps(reply, separators=(",", ":"))) > 1200 - 200  # the bound is not wildly loose
    with pytest.raises(ValueError, match="no room"):
        bounded_schema(reply_json_schema(), text_chars=400, name_chars=40, max_tokens=500, max_instances=100,
                       width=512, height=512)


class _Digits:
    """A tokenizer stand-in: each token's bytes (the guard only reads decode_bytes)."""

    def __init__(self, texts):
        self.texts = texts

    def decode_bytes(self, tokens):
        return b"".join(self.texts[t].encode() for t in tokens)


TOKENS = ["0", "1", "2", "5", "9", "10", "50", ",", "]", "a", "08"]


def allowed(text: str, width=100, height=80) -> set[str]:
    table = DigitTable.of(_Digits(TOKENS), len(TOKENS))
    mask = BoxGuard(table, width, height).allowed(text)
    return None if mask is None else {TOKENS[i] for i, ok in enumerate(mask) if ok}


def test_box_guard_keeps_corners_ordered_on_the_canvas_by_hand():
    assert allowed('{"caption":"x"') is None  # not in a box
    # x0 in [0, 92]: any first digit; "08" has a leading zero.
    assert allowed('"box":[') == {"0", "1", "2", "5", "9", "10", "50"}
    # x0 = 9 so far: "9," ends it (9 <= 92); "90" would still be <= 92, "95" not: "5" is out.
    assert allowed('"box":[9') == {"0", "1", "2", ",", "]", "a"}
    # y0 after x0=50: y0 in [0, 72]
    assert allowed('"box":[50,') == {"0", "1", "2", "5", "9", "10", "50"}
    # x1 >= 50 + 8 = 58 and <= 100: "5" -> 58, 59; "9" -> 9x; "1" -> 100; "10" -> 100; "0", "2" cannot.
    assert allowed('"box":[50,7,') == {"1", "5", "9", "10"}
    # y1 >= 7 + 8 = 15, <= 80: "1" -> 15..19, "2" -> 2x, "5" -> 5x, "50"; "9" is too small and 9x too big,
    # "10" is 10 or 10x: neither fits.
    assert allowed('"box":[50,7,99,') == {"1", "2", "5", "50"}
    assert allowed('"box":[50,7,99,1') == {"5", "9"}  # 15, 19 (10..14 too small, 10x too big)
    assert allowed('"box":[50,7,99,15],"pose":null},{"name":"b","box":[') is not None


def test_without_llguidance_the_local_planner_exits_4_with_the_install_hint(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "llguidance", None)  # an uninstalled optional dependency
    result = cli("plan", "a red apple", "--planner", "local", "--llm-model", "tiny-chat")
    assert result.code == 4, result.stderr
    assert "llguidance" in result.stderr and "pip install 'deig[local]'" in result.stderr


def test_an_unknown_model_offline_exits_4_naming_deig_download_before_anything_heavy_loads(tmp_path):
    probe = ("import sys; from deigcli.main import main; code = main(sys.argv[1:]); "
             "print('torch-imported' if 'torch' in sys.modules else 'no-torch'); sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", probe, "plan", "a red apple", "--planner", "local", "--llm-model",
                           "someone/not-a-real-model"], capture_output=True, text=True, cwd=REPO, timeout=120,
                          env={**__import__("os").environ, "HF_HUB_OFFLINE": "1",
                               "HF_HOME": str(tmp_path / "hf")})
    assert proc.returncode == 4, proc.stderr
    assert "deig download someone/not-a-real-model" in proc.stderr
    assert proc.stdout.strip() == "no-torch"


def test_the_constraint_module_imports_nothing_heavy():
    assert constraint.JSON_OPTIONS["whitespace_flexible"] is False


def test_release_frees_the_model_with_low_memory_and_keeps_it_otherwise_on_the_cpu(loads):
    from planners.base import Canvas
    from planners.local import LocalOptions, LocalPlanner
    from planners.local.transport import loaded_models

    planner = LocalPlanner(LocalOptions(model="tiny-chat", caption_chars=16, name_chars=6, max_tokens=400,
                                        cache=False))
    planner.plan("a red apple", canvas=Canvas(256, 256), seed=1)
    assert len(loaded_models()) == 1
    assert planner.release() is False and len(loaded_models()) == 1  # on the CPU nothing is short
    assert planner.release(low_memory=True) is True and loaded_models() == []
    planner.plan("a red apple", canvas=Canvas(256, 256), seed=1)
    assert loads == ["tiny-chat", "tiny-chat"]  # loaded again after the release


def test_deig_download_picks_exactly_a_chat_models_files():
    """The hint names `deig download MODEL`: for a transformers chat model it takes config, tokenizer,
    chat template and safetensors weights, nothing else (listing of Qwen/Qwen2.5-3B-Instruct's files)."""
    from deigcli.weights import plan_download
    from renderers.diffusion.hub import Licence
    from renderers.diffusion.hubfiles import HubFile

    names = ["config.json", "generation_config.json", "merges.txt", "model-00001-of-00002.safetensors",
             "model-00002-of-00002.safetensors", "model.safetensors.index.json", "tokenizer.json",
             "tokenizer_config.json", "vocab.json", "LICENSE", "README.md", ".gitattributes"]
    listing = [HubFile(name, 10) for name in names]
    (planned,) = plan_download(["Qwen/Qwen2.5-3B-Instruct"], renderer="regional", dtype="float32",
                               lister=lambda repo: (listing, Licence("apache-2.0", False)))
    assert planned.need.kind == "chat"
    assert set(planned.selection.paths) == set(names) - {"LICENSE", "README.md", ".gitattributes"}
