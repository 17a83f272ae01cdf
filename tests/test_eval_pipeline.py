"""`deig eval run/compare/list` end to end with tiny random evaluators on CPU (plumbing), every protocol."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tiny_pipelines import one_thread  # noqa: F401 - fixture

OUTPUTS = ("run.json", "instances.jsonl", "images.jsonl", "summary.json", "report.html", "contact-sheet.png")


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def check_outputs(folder: Path, *, images: int, instances: int) -> dict:
    for name in OUTPUTS:
        assert (folder / name).is_file(), name
    image_records, instance_records = lines(folder / "images.jsonl"), lines(folder / "instances.jsonl")
    assert len(image_records) == images and len(instance_records) == instances
    run = json.loads((folder / "run.json").read_text())
    assert run["evaluators"] and all(e["id"] == "tiny" and e["revision"] == "random-init" and e["substitute"]
                                     for e in run["evaluators"])
    assert run["versions"]["deig"] and run["protocol"]["thresholds"]
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["comparable"] is False and "NOT comparable" in summary["comparability"]
    for metric in summary["metrics"]:
        if metric["value"] is not None:
            low, high = metric["ci95"]
            assert low - 1e-9 <= metric["value"] <= high + 1e-9, metric
    html = (folder / "report.html").read_text()
    assert html.count('class="card ') == instances
    with Image.open(folder / "contact-sheet.png") as sheet:
        assert sheet.width > 100
    return summary


def mig_file(path: Path) -> Path:
    path.write_text(json.dumps({
        "139": {"caption": "a red car and a blue dog", "segment": [
            {"label": "a red car", "bbox": [0.05, 0.1, 0.45, 0.6]}, {"label": "a blue dog", "bbox": [0.5, 0.4, 0.95, 0.9]}]},
        "285": {"caption": "a white cat, a black chair and a green cup", "segment": [
            {"label": "a white cat", "bbox": [0.1, 0.1, 0.4, 0.4]}, {"label": "a black chair", "bbox": [0.5, 0.5, 0.9, 0.9]},
            {"label": "a green cup", "bbox": [0.1, 0.6, 0.3, 0.9]}]}}))
    return path


def deig_file(path: Path, box=(0.05, 0.1, 0.45, 0.95)) -> Path:
    path.write_text(json.dumps([{"caption": "a man and a chair", "file_name": "000000000139.jpg", "instances": [
        {"description": "a man wearing a red shirt and blue jeans", "category": "person", "bbox": list(box),
         "eval_info": {"type": "person", "eval_metrics": {"color": {"num_colors": 2}}}},
        {"description": "a wooden brown chair", "category": "chair", "bbox": [0.5, 0.4, 0.95, 0.9],
         "eval_info": {"type": "object", "eval_metrics": {"material": {"has_material": True}}}}]}]))
    return path


@pytest.mark.parametrize(("args", "images", "instances"), [
    (("lmd", "--limit", "2", "--n", "1"), 2, 2),                      # negation: one query each
    (("geneval", "--limit", "2", "--n", "1"), 2, 2),                  # single_object: one include clause
    (("t2i-compbench:color", "--limit", "1", "--n", "2"), 2, None),   # noun phrases of the prompt
    (("geneval", "--protocol", "cio", "--limit", "2", "--n", "1"), 2, None),  # the planner's instances
    (("coco-mig", "--bench-file", "{mig}"), 2, 5),
    (("deig-bench", "--bench-file", "{deig}"), 1, 2),
], ids=["lmd", "geneval", "t2i-bvqa", "cio", "mig", "deig-bench"])
def test_every_protocol_runs_end_to_end_with_tiny_evaluators(cli, tmp_path, args, images, instances):
    args = [a.replace("{mig}", str(mig_file(tmp_path / "mig.json"))).replace(
        "{deig}", str(deig_file(tmp_path / "deig.json"))) for a in args]
    out = tmp_path / "run"
    result = cli("eval", "run", *args, "--render", "preview", "--evaluators", "tiny", "-o", out, "--bootstrap", "200")
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == str(out / "summary.json")
    count = instances if instances is not None else len(lines(out / "instances.jsonl"))
    assert count > 0
    summary = check_outputs(out, images=images, instances=count)
    assert summary["coverage"]["images_missing"] == 0
    assert len(list((out / "images").glob("*.png"))) == images  # rendered by `deig render` with the protocol's seeds
    seeds = [r["seed"] for r in lines(out / "images.jsonl")]
    if args[0] in ("coco-mig", "deig-bench"):
        assert seeds == [42] * images  # MIGC re-seeds 42 per prompt; DEIG reuses one seed-42 noise
    else:
        assert len(set(seeds)) == len(seeds)


def _detect_first(kind: str, image: Image.Image, query: str):
    from evaluation.evaluators import tiny

    detector = tiny.grounding_dino()
    found = detector.detect(image, [query], threshold=0.25, text_threshold=0.25)
    assert found, "the tiny detector finds something in this image"
    return max(found, key=lambda d: d.score).box


def _noise_image(path: Path) -> Image.Image:
    rng = np.random.default_rng(7)
    image = Image.fromarray(rng.integers(0, 255, (512, 512, 3), dtype=np.uint8))
    image.save(path)
    return image


def test_segmenter_and_judge_run_when_the_box_matches(cli, tmp_path):
    """A truth box where the tiny detector finds the class: IoU 1, so MIG's SAM + colour check and
    DEIG's judge run on the crop (other-system layouts: MIGC's *_ID.png, DEIG's file_name)."""
    folder = tmp_path / "imgs"
    folder.mkdir()
    image = _noise_image(folder / "a-red-car_420_139.png")
    box = _detect_first("grounding-dino", image, "car")
    fractions = [round(v / 512, 6) for v in box]
    (tmp_path / "mig.json").write_text(json.dumps({"139": {"caption": "a red car", "segment": [
        {"label": "a red car", "bbox": fractions}, {"label": "a blue car", "bbox": [0.0, 0.0, 0.01, 0.01]}]}}))
    out = tmp_path / "mig"
    result = cli("eval", "run", "coco-mig", "--bench-file", tmp_path / "mig.json", "--images", folder,
                 "--evaluators", "tiny", "-o", out, "--bootstrap", "50")
    assert result.code == 0, result.stderr
    first, second = lines(out / "instances.jsonl")
    assert first["iou"] == pytest.approx(1.0, abs=1e-4) and first["box_ok"]
    assert first["colour_fraction"] is not None and 0.0 <= first["colour_fraction"] <= 1.0  # SAM mask + HSV ran
    assert first["ok"] == (first["colour_fraction"] >= 0.2)
    assert second["colour_fraction"] is None and not second["ok"]
    assert lines(out / "images.jsonl")[0]["source"] == "layout"

    person_box = _detect_first("grounding-dino", image, "person")
    deig_folder = tmp_path / "deig-imgs"
    deig_folder.mkdir()
    image.save(deig_folder / "000000000139.png")
    out = tmp_path / "deig"
    result = cli("eval", "run", "deig-bench", "--bench-file",
                 deig_file(tmp_path / "deig.json", [round(v / 512, 6) for v in person_box]),
                 "--images", deig_folder, "--evaluators", "tiny", "-o", out, "--bootstrap", "50")
    assert result.code == 0, result.stderr
    person = lines(out / "instances.jsonl")[0]
    assert person["box_ok"] and isinstance(person["answer"], str)  # the (tiny Qwen2.5-VL) judge answered
    assert person["ok"] == ("yes" in person["answer"])
    assert person["miou"] == pytest.approx(1.0, abs=1e-4)


def test_resume_after_an_interruption_gives_the_same_files(cli, tmp_path):
    out = tmp_path / "run"
    args = ("eval", "run", "lmd", "--limit", "3", "--n", "1", "--render", "preview", "--evaluators", "tiny",
            "-o", out, "--bootstrap", "100")
    assert cli(*args).code == 0
    first = {name: (out / name).read_bytes() for name in ("instances.jsonl", "images.jsonl", "summary.json")}
    journal = (out / "journal.jsonl").read_text().splitlines()
    assert len(journal) == 3
    # what a kill during the second sample leaves: one finished line and half of the next
    (out / "journal.jsonl").write_text(journal[0] + "\n" + journal[1][: len(journal[1]) // 2])
    again = cli(*args)
    assert again.code == 0
    assert "Kept 1 image(s) scored before; scored 2 now." in again.stderr
    for name, data in first.items():
        assert (out / name).read_bytes() == data, name
    # a finished run scores nothing more
    assert "scored 0 now" in cli(*args).stderr


def test_limit_takes_the_first_prompts(cli, tmp_path):
    out = tmp_path / "run"
    assert cli("eval", "run", "geneval", "--limit", "1", "--n", "1", "--render", "preview", "--evaluators", "tiny",
               "-o", out, "--bootstrap", "10").code == 0
    assert [r["item"] for r in lines(out / "images.jsonl")] == ["00000"]
    assert lines(out / "images.jsonl")[0]["prompt"] == "a photo of a bench"


def test_a_different_run_in_the_same_folder_is_refused(cli, tmp_path):
    out = tmp_path / "run"
    base = ("--limit", "1", "--n", "1", "--render", "preview", "--evaluators", "tiny", "-o", out, "--bootstrap", "10")
    assert cli("eval", "run", "geneval", *base).code == 0
    result = cli("eval", "run", "geneval", "--protocol", "cio", *base)
    assert result.code == 2 and "other settings" in result.error_lines[0]
    assert cli("eval", "run", "geneval", "--protocol", "cio", *base, "--force").code == 0
    assert json.loads((out / "run.json").read_text())["protocol"]["name"] == "cio"
    assert {m["name"] for m in json.loads((out / "summary.json").read_text())["metrics"]} == {
        "cio_sim", "cio_sigma", "cio_diff"}


@pytest.mark.parametrize(("args", "code", "words"), [
    (("coco-mig", "--images", "."), 2, "coco-mig"),
    (("deig-bench", "--images", "."), 2, "deig-bench"),
    (("lmd",), 2, "--images"),
    (("lmd", "--images", ".", "--render", "preview"), 2, "exactly one"),
    (("nope", "--images", "."), 2, "unknown benchmark"),
    (("lmd", "--protocol", "nope", "--images", "."), 2, "unknown protocol"),
    (("lmd", "--images", ".", "--evaluators", "big"), 2, "tiny"),
    (("lmd", "--images", ".", "--evaluator", "judge=x/y"), 2, "no 'judge' evaluator"),
    (("lmd", "--images", "{tmp}/nothing"), 2, "not a folder"),
    (("lmd", "--images", "."), 4, "google/owlvit-base-patch32"),  # real weights, offline: exit 4 before loading
], ids=lambda v: str(v)[:40])
def test_errors_exit_with_one_error_line_and_write_nothing(cli, tmp_path, args, code, words):
    out = tmp_path / "out"
    result = cli("eval", "run", *[a.replace("{tmp}", str(tmp_path)) for a in args], "-o", out)
    assert result.code == code, result.stderr
    assert len(result.error_lines) == 1 and words in result.stderr
    assert "Hint:" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_missing_bench_file_names_what_is_missing(cli, tmp_path):
    result = cli("eval", "run", "coco-mig", "--images", tmp_path)
    assert "its file is missing" in result.error_lines[0]
    assert "--bench-file" in result.stderr and "mig_bench.json" in result.stderr


def test_a_protocol_that_cannot_score_the_images_is_refused_before_weights(cli, tmp_path):
    images = tmp_path / "renders"
    prompts = tmp_path / "p.txt"
    prompts.write_text("A realistic photo of a scene without backpacks\n")
    assert cli("render", "-f", prompts, "--renderer", "preview", "-o", images).code == 0
    result = cli("eval", "run", "lmd", "--images", images, "--protocol", "mig", "--evaluators", "tiny",
                 "-o", tmp_path / "out")
    assert result.code == 2 and "cannot score item 000" in result.error_lines[0]


def test_list_names_benchmarks_licences_and_protocols(cli):
    result = cli("eval", "list", "--json")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    benches = {r["name"]: r for r in records if r["type"] == "benchmark"}
    assert set(benches) == {"geneval", "lmd", "t2i-compbench", "coco-mig", "deig-bench"}
    assert benches["coco-mig"]["shipped"] is False and "non-commercial" in benches["coco-mig"]["licence"]
    protocols = {r["name"]: r for r in records if r["type"] == "protocol"}
    assert set(protocols) == {"mig", "deig-bench", "cio", "geneval", "lmd", "t2i-bvqa"}
    assert protocols["lmd"]["evaluators"] == {"detector": "google/owlvit-base-patch32"}
    assert "Mask2Former" in protocols["geneval"]["reference_evaluators"]["detector"]


def test_shipped_prompt_files_are_there_with_their_licences():
    from evaluation import benchmarks

    assert len(benchmarks.load("geneval").items) == 553
    lmd = benchmarks.load("lmd")
    assert sum(i.images for i in lmd.items) == 400
    assert [s for i in lmd.items for s in i.seeds] == list(range(400))
    assert len(benchmarks.load("t2i-compbench:texture").items) == 300
    data = Path(benchmarks.__file__).parent / "data"
    for name in ("geneval/LICENSE", "t2i_compbench/LICENSE", "lmd/NOTICE"):
        assert "MIT" in (data / name).read_text()


@pytest.mark.parametrize("args", [("eval", "--help"), ("eval", "list"), ("eval", "run", "--help")])
def test_eval_help_and_list_never_import_torch(args):
    from test_light_imports import imported_by

    result = imported_by(*args)
    assert result["code"] == 0 and result["heavy"] == []


def test_a_folder_without_images_of_the_benchmark_is_refused(cli, tmp_path):
    renders = tmp_path / "renders"
    assert cli("render", "a red apple on a table", "--renderer", "preview", "-o", renders).code == 0
    result = cli("eval", "run", "lmd", "--images", renders, "--evaluators", "tiny", "-o", tmp_path / "out")
    assert result.code == 2 and "no images of this benchmark" in result.error_lines[0]
    assert not (tmp_path / "out").exists()
