"""The paper: built from the quick stores, every figure in it, no number unfilled, and honest checks."""

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import run_quick
from isinghop import paper
from isinghop.stats import report
from isinghop.cli import main

typst = pytest.importorskip("typst")

SOURCE = Path(__file__).parent.parent / "paper"


def test_numbers_are_rounded_as_their_errors_allow():
    # the Particle Data Group's rule: two significant digits of the error below 355, else one
    assert report.format_value(0.95153, 0.00061) == "0.9515 ± 0.0006"
    assert report.format_value(0.1381, 0.0123) == "0.138 ± 0.012"
    assert report.format_value(2.0, 0.0999) == "2.00 ± 0.10"  # 999 rounds up to 1000: two digits
    assert report.format_value(1234.5, 56) == "1230 ± 60"
    assert report.format_value(-0.375) == "\u22120.375"
    assert report.format_value(8.7e-9, digits=2) == "8.7 × 10\u207b\u2079"
    assert report.format_value(2.5e-5) == "2.5 × 10\u207b\u2075" and report.format_value(0.25) == "0.25"
    with pytest.raises(ValueError, match="value"):
        report.Number(float("nan"))


def test_claims_follow_the_data():
    # tests of size 0.27 %: 3 standard errors for a known error
    assert report.agreement(report.Number(0.140, 0.001), 0.1379, "RS").holds  # z = 2.1
    assert not report.agreement(report.Number(0.145, 0.001), 0.1379, "RS").holds  # z = 7.1
    # an error from 4 samples has Student's t tails with 3 dof: P(|t| > 7.1) = 0.0057 passes
    assert report.agreement(report.Number(0.145, 0.001, samples=4), 0.1379, "RS").holds
    assert not report.agreement(report.Number(0.150, 0.001, samples=4), 0.1379, "RS").holds  # t = 12.1: 0.0012
    # χ² of 4 residuals of one standard error each is 4 for 4 dof (p = 0.41); ten times larger fails
    assert report.chi2_agreement([1, 2, 3, 4], 0.1, [1.1, 1.9, 3.1, 3.9], "x").holds
    assert not report.chi2_agreement([1, 2, 3, 4], 0.01, [1.1, 1.9, 3.1, 3.9], "x").holds
    assert report.combined_p_value([0.3, 0.6, 0.9], "tests").holds
    assert not report.combined_p_value([1e-4, 1e-5, 0.2], "tests").holds
    # p = 1 is a test left with one category: no test (Fisher's statistic of 0.5 alone is its own p)
    assert report.combined_p_value([1.0, 1.0, 0.5], "x").text.endswith("of the 1 tests: p = 0.5)")


@pytest.fixture(scope="module")
def built(quick_stores, tmp_path_factory):
    """The quick paper built from the shared quick stores, in a copy of the sources."""
    source = tmp_path_factory.mktemp("paper") / "paper"
    shutil.copytree(SOURCE, source, ignore=shutil.ignore_patterns("build"))
    lines = []
    pdf = paper.build("quick", quick_stores, source=source, say=lines.append)
    return source, pdf, lines


@pytest.mark.slow  # draws every figure and compiles the document
def test_the_quick_paper_holds_every_figure_and_every_number(built):
    source, pdf, lines = built
    assert pdf == source / "build" / "isinghop-quick.pdf" and pdf.stat().st_size > 10_000
    assert pdf.read_bytes().startswith(b"%PDF")
    images = json.loads(typst.query(str(source / "isinghop.typ"), "figure.where(kind: image)", root=str(source),
                                    sys_inputs={"build": "build/quick"}))
    assert sorted(figure["body"]["source"] for figure in images) == sorted(
        f"build/quick/figures/{name}.svg" for name in paper.PAPER_STUDIES)
    content = json.loads((source / "build" / "quick" / "paper.json").read_text())
    # every number and claim the source quotes exists (Typst stops on a missing key) and is filled
    quoted = set(re.findall(r'#n\("([^"]+)"\)', (source / "isinghop.typ").read_text()))
    assert quoted <= set(content["numbers"])
    for key, item in content["numbers"].items():
        assert item["text"] and "nan" not in item["text"].lower(), key
    assert all(row["compute_time_s"] is not None for row in content["provenance"]["studies"])
    assert any(line.startswith("paper written to") for line in lines)


def test_a_changed_stored_number_changes_the_text(quick_stores):
    dataset = run_quick(quick_stores, "capacity")
    before = paper.findings("capacity", dataset)
    largest = {"n_sites": dataset["n_sites"].max(), "alpha": 0.1}
    dataset["overlap_from_pattern"].loc[largest] = dataset["overlap_from_pattern"].loc[largest] * 0.9
    after = paper.findings("capacity", dataset)
    assert after["capacity.overlap_01"]["text"] != before["capacity.overlap_01"]["text"]
    # the overlap now lies ~0.1 below AGS, many errors away: the sentence says so
    assert before["capacity.overlap_01_agreement"]["holds"]
    assert not after["capacity.overlap_01_agreement"]["holds"]
    assert after["capacity.overlap_01_agreement"]["text"].startswith("differs from the AGS overlap")


@pytest.mark.slow  # needs the built paper
def test_a_number_that_changes_between_builds_stops_the_build(built, quick_stores, monkeypatch):
    source, _, _ = built
    monkeypatch.setattr(paper, "PAPER_STUDIES", ("capacity",))  # the check comes before any figure
    stored = source / "build" / "quick" / "paper.json"
    content = json.loads(stored.read_text())
    content["numbers"]["capacity.overlap_01"]["text"] = "0.5 ± 0.1"
    stored.write_text(json.dumps(content))
    with pytest.raises(paper.PaperError, match="capacity.overlap_01"):
        paper.build("quick", quick_stores, source=source, say=lambda line: None)


def test_a_failing_study_leaves_the_paper_unbuilt_and_names_it(tmp_path, monkeypatch):
    def broken(study, *args, **kwargs):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr("isinghop.runtime.run_study", broken)
    shutil.copytree(SOURCE, tmp_path / "paper", ignore=shutil.ignore_patterns("build"))
    with pytest.raises(paper.PaperError) as failure:
        paper.build("quick", tmp_path / "stores", source=tmp_path / "paper", say=lambda line: None)
    assert str(failure.value) == "study seed_networks (quick) failed: RuntimeError: disk on fire"
    assert not (tmp_path / "paper" / "build" / "isinghop-quick.pdf").exists()


def test_bad_arguments_are_refused_before_any_study_runs(tmp_path):
    with pytest.raises(ValueError, match="config"):
        paper.build("medium", tmp_path)
    with pytest.raises(ValueError, match="seed"):
        paper.build("quick", tmp_path, seed=-1)


def test_the_command_line_reports_a_failure_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(paper, "paper_source", lambda: tmp_path / "nowhere")
    monkeypatch.setattr("isinghop.runtime.run_study", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(SystemExit) as exit_code:
        main(["paper", "--store", str(tmp_path)])
    assert exit_code.value.code == 1
    assert capsys.readouterr().err.strip() == "isinghop: error: study seed_networks (quick) failed: RuntimeError: boom"


def test_mean_error_is_the_standard_error_over_samples():
    import xarray as xr

    values = xr.DataArray(np.array([[1.0, 3.0], [2.0, 4.0], [3.0, 5.0]]), dims=("sample", "probe"))
    number = report.mean_error(values)  # per-sample means 2, 3, 4: mean 3, std 1, error 1/√3
    assert number.value == 3.0 and np.isclose(number.error, 1 / np.sqrt(3))
    # recalls that are all exactly 1 but for rounding: no spread, printed without a spurious error
    ones = xr.DataArray(np.array([1.0, 1 - 2.0 ** -53, 1.0, 1 - 2.0 ** -52]), dims="sample")
    assert report.mean_error(ones).error == 0 and report.mean_error(ones).text == "1"


def test_benchmarks_come_from_their_json_and_a_newer_run_replaces_the_stored_copy(tmp_path):
    source = tmp_path / "checkout" / "paper"
    results = tmp_path / "checkout" / "benchmarks" / "results"
    store = tmp_path / "store"
    # never run: shown as missing, not invented
    assert paper._benchmarks(store, source) == {name: {"missing": True} for name in paper.BENCHMARKS}
    results.mkdir(parents=True)
    name = paper.BENCHMARKS[0]
    (results / f"{name}.json").write_text(json.dumps({"date": "2026-01-01T00:00:00+00:00", "rows": [1]}))
    assert paper._benchmarks(store, source)[name]["rows"] == [1]
    # the store's copy stays while the checkout's run is not newer ...
    stored = store / "benchmarks" / f"{name}.json"
    stored.write_text(json.dumps({"date": "2026-06-01T00:00:00+00:00", "rows": [2]}))
    assert paper._benchmarks(store, source)[name]["rows"] == [2]
    # ... and a newer run in the checkout replaces it
    (results / f"{name}.json").write_text(json.dumps({"date": "2026-12-01T00:00:00+00:00", "rows": [3]}))
    assert paper._benchmarks(store, source)[name]["rows"] == [3]


def _previous_build(tmp_path, monkeypatch, new_numbers, old_text):
    """A build whose studies give ``new_numbers``, beside a previous ``paper.json`` holding ``old_text``."""
    shutil.copytree(SOURCE, tmp_path / "paper", ignore=shutil.ignore_patterns("build"))
    stored = tmp_path / "paper" / "build" / "quick" / "paper.json"
    stored.parent.mkdir(parents=True)
    stored.write_text(old_text)
    monkeypatch.setattr(paper, "_run_studies", lambda *args: {"capacity": None})
    monkeypatch.setattr(paper, "findings", lambda name, dataset: new_numbers)
    return stored


def test_a_corrupt_previous_build_is_named(tmp_path, monkeypatch):
    for text in ('{"numbers": {"capacity.a": {"text": "1"}', '[1, 2]', '{"numbers": [1]}',
                 '{"numbers": {"capacity.a": 3}}'):
        stored = _previous_build(tmp_path / str(len(text)), monkeypatch, {"capacity.a": {"text": "1"}}, text)
        with pytest.raises(paper.PaperError) as failure:
            paper.build("quick", tmp_path / "stores", source=stored.parent.parent.parent, say=lambda line: None)
        assert str(stored) in str(failure.value) and "delete" in str(failure.value), text


def test_a_number_missing_from_either_build_stops_the_build(tmp_path, monkeypatch):
    old = {"numbers": {"capacity.a": {"text": "1"}, "capacity.gone": {"text": "2"}}}
    stored = _previous_build(tmp_path / "removed", monkeypatch, {"capacity.a": {"text": "1"}}, json.dumps(old))
    with pytest.raises(paper.PaperError, match=r"1 number\(s\) changed .*capacity.gone: 2 -> missing"):
        paper.build("quick", tmp_path / "stores", source=stored.parent.parent.parent, say=lambda line: None)
    new = {"capacity.a": {"text": "1"}, "capacity.gone": {"text": "2"}, "capacity.new": {"text": "3"}}
    stored = _previous_build(tmp_path / "added", monkeypatch, new, json.dumps(old))
    with pytest.raises(paper.PaperError, match=r"1 number\(s\) changed .*capacity.new: missing -> 3"):
        paper.build("quick", tmp_path / "stores", source=stored.parent.parent.parent, say=lambda line: None)
    # a changed text and a missing key are reported together
    new = {"capacity.a": {"text": "1.5"}}
    stored = _previous_build(tmp_path / "both", monkeypatch, new, json.dumps(old))
    both = r"2 number\(s\) changed .*capacity.a: 1 -> 1.5; capacity.gone: 2 -> missing"
    with pytest.raises(paper.PaperError, match=both):
        paper.build("quick", tmp_path / "stores", source=stored.parent.parent.parent, say=lambda line: None)


def test_mean_error_leaves_missing_samples_out():
    import xarray as xr

    number = report.mean_error(xr.DataArray([1.0, 2, np.nan, np.nan, np.nan, np.nan], dims="sample"))
    assert (number.value, number.samples) == (1.5, 2) and number.error == pytest.approx(0.5, rel=1e-12)
    with pytest.raises(ValueError, match="^data: need two or more finite samples along 'sample'"):
        report.mean_error(xr.DataArray([1.0, np.nan, np.nan], dims="sample"))
    with pytest.raises(ValueError, match="^data: .*infinite"):
        report.mean_error(xr.DataArray([1.0, 2.0, np.inf], dims="sample"))
