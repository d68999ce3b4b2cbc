"""The project's paper, rebuilt from study data: run every study it quotes, draw, write the numbers, compile.

:func:`build` runs (or resumes) each study of :data:`PAPER_STUDIES` in one
configuration into ``STORE/<study>-<config>``, draws each study's figure from
its merged Dataset, and writes ``paper.json`` beside the figures: every
number the text quotes (a :class:`~isinghop.stats.report.Number`, with its error where it has one,
from the study's ``findings``), every claim that compares simulation with
theory (a :class:`~isinghop.stats.report.Claim`, whose sentence is chosen by the data), the
benchmark figures read from the benchmark scripts' JSON files in
``STORE/benchmarks`` (``missing`` where a benchmark has not been run), and
the provenance of every study. The Typst source ``paper/isinghop.typ``
reads that file and the figures; nothing in the text is typed in by hand,
and a key the data do not provide stops the compilation.

Two checks keep the paper honest: a number or claim whose value differs
from the previous build of the same configuration and seed, or that only one
of the two builds has, stops the build (determinism: the printed value and
error, or a claim's sentence; a previous ``paper.json`` that cannot be read
stops it too, named; delete the old ``paper.json`` to accept a deliberate
change; a resumed store
re-reads its points, so the check covers the findings, and a fresh store
the sampling too),
and a claim that the data turn false is printed, and stops a ``full`` build
after its PDF is written.
"""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from isinghop.stats.report import Claim, Number

__all__ = ["PaperError", "PAPER_STUDIES", "CONFIGS", "findings", "build", "paper_source"]

#: The studies the paper quotes, in the order of its sections.
PAPER_STUDIES = ("seed_networks", "self_coupling", "boltzmann_chi2", "curie_weiss_exact", "kaufman_torus",
                 "exact_routes", "annealing", "relaxation_time", "heat_and_quench", "finite_size", "exact_mirror",
                 "tie_rules", "hysteresis", "biased_patterns", "capacity", "thermal_retrieval", "mixtures",
                 "retrieval", "picture_recall", "masked_pair", "letters", "graded_neuron",
                 "graded_spectrum", "graded_origin")
#: The configurations the paper builds from (``quick``: the same document in minutes).
CONFIGS = ("quick", "full")
#: The benchmark scripts whose JSON output the paper reads (``benchmarks/results/<name>.json``).
BENCHMARKS = ("bench_montecarlo",)
class PaperError(Exception):
    """The paper cannot be built: a study failed, a number changed, a claim failed, or Typst refused."""


def findings(name: str, dataset) -> dict:
    """The numbers and claims of one study for the paper, keyed ``"<study>.<name>"``.

    Returns
    -------
    dict
        ``{key: {"text": …, "value": …, "error": …}}`` for numbers and
        ``{key: {"text": …, "holds": …}}`` for claims.
    """
    from isinghop.runtime import load_study

    study = load_study(name)
    if study.findings is None:
        return {}
    try:
        items = study.findings(dataset)
    except Exception as error:  # noqa: BLE001 - named for the paper's one-line report
        raise PaperError(f"study {name}: its findings failed: {_one_line(error)}") from error
    out = {}
    for key, item in items.items():
        if isinstance(item, Number):
            out[f"{name}.{key}"] = asdict(item) | {"text": item.text}
        elif isinstance(item, Claim):
            out[f"{name}.{key}"] = {"holds": bool(item.holds), "text": item.text}
        else:
            raise TypeError(f"{name}.findings: {key!r} is a {type(item).__name__}, not a Number or a Claim")
    return out


def paper_source() -> Path:
    """The paper's Typst sources: ``paper/`` of the project checkout this package runs from.

    Returns
    -------
    pathlib.Path
        The directory holding ``isinghop.typ``.
    """
    for candidate in (Path(__file__).resolve().parent.parent / "paper", Path.cwd() / "paper"):
        if (candidate / "isinghop.typ").is_file():
            return candidate
    raise PaperError("the paper's sources (paper/isinghop.typ) are not here: run from a checkout of the project")


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"


def _store_name(name: str, config: str, seed: int) -> str:
    """``<study>-<config>`` (as ``isinghop run`` names it) for seed 0, ``<study>-<config>-seed<k>`` otherwise."""
    return f"{name}-{config}" if seed == 0 else f"{name}-{config}-seed{seed}"


def _run_studies(config, store, seed, scheduler, workers, say) -> dict:
    from isinghop.runtime import load_study, run_study

    datasets = {}
    for name in PAPER_STUDIES:
        say(f"study {name} ({config})")
        try:
            dataset = run_study(load_study(name), config, store / _store_name(name, config, seed),
                                scheduler=scheduler, workers=workers, rng=seed)
        except Exception as error:  # noqa: BLE001 - any failure of a study stops the paper, named
            raise PaperError(f"study {name} ({config}) failed: {_one_line(error)}") from error
        failed = json.loads(dataset.attrs["failed_points"])
        missing = json.loads(dataset.attrs["missing_points"])
        if failed:
            raise PaperError(f"study {name} ({config}) failed: {len(failed)} point(s) raised; errors in "
                             f"{store / _store_name(name, config, seed) / 'failed'}")
        if missing:
            raise PaperError(f"study {name} ({config}) failed: {len(missing)} point(s) missing from "
                             f"{store / _store_name(name, config, seed)}")
        datasets[name] = dataset
    return datasets


def _benchmarks(store: Path, source: Path) -> dict:
    """Each benchmark's JSON from ``STORE/benchmarks``, or ``{"missing": True}``.

    The checkout's ``benchmarks/results/<name>.json`` is copied into the store when the store has none or
    an older one (by the ``date`` the benchmark recorded), so a re-run benchmark reaches the next build.
    """
    out = {}
    folder = store / "benchmarks"
    for name in BENCHMARKS:
        path = folder / f"{name}.json"
        committed = source.parent / "benchmarks" / "results" / f"{name}.json"
        if committed.is_file() and (not path.is_file() or _benchmark_date(committed) > _benchmark_date(path)):
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(committed, path)
        out[name] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"missing": True}
    return out


def _benchmark_date(path: Path) -> str:
    """The ISO date a benchmark JSON records ("" when unreadable or undated: older than any)."""
    try:
        return str(json.loads(path.read_text(encoding="utf-8")).get("date", ""))
    except (OSError, ValueError, AttributeError):
        return ""


def _provenance(datasets: dict, config: str, seed: int) -> dict:
    from isinghop.runtime import collect, cpu_model

    common = collect(seed_entropy=seed, parameters={})
    studies = []
    for name, dataset in datasets.items():
        attrs = dataset.attrs
        compute = float(attrs.get("compute_time_s", float("nan")))
        studies.append({"study": name, "config": config, "seed": int(attrs.get("seed_entropy", seed)),
                        "points": len(json.loads(attrs["point_keys"])),
                        "compute_time_s": compute if math.isfinite(compute) else None,
                        "last_run": attrs.get("end_time", "")})
    return {"isinghop": common["isinghop_version"], "git": common["git_describe"] or "not a git checkout",
            "python": common["python_version"], "numpy": common["numpy_version"],
            "numba": common["numba_version"], "machine": platform.platform(),
            "processor": cpu_model(), "cpus": os.cpu_count(), "studies": studies}


def _changed(previous: dict, numbers: dict) -> list[str]:
    """Keys whose printed text (value and error as rounded, or a claim's sentence) differs from the previous
    build's, and keys that only one of the two builds has (``missing`` on that side): last-bit differences
    that do not reach the page do not count."""
    changed = []
    for key in sorted(previous.keys() | numbers.keys()):
        old, new = previous.get(key), numbers.get(key)
        old_text = "missing" if old is None else old["text"]
        new_text = "missing" if new is None else new["text"]
        if old is None or new is None or old_text != new_text:
            changed.append(f"{key}: {old_text} -> {new_text}")
    return changed


def _previous_numbers(path: Path) -> dict:
    """The numbers of the previous build's ``paper.json``; a file that is not one is a :class:`PaperError` naming it."""
    remedy = f"delete {path} to build afresh"
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise PaperError(f"the previous build's numbers in {path} cannot be read ({_one_line(error)}); "
                         f"{remedy}") from error
    numbers = content.get("numbers") if isinstance(content, dict) else None
    if not isinstance(numbers, dict) or not all(
            isinstance(item, dict) and isinstance(item.get("text"), str) for item in numbers.values()):
        raise PaperError(f"the previous build's {path} is not a paper.json (no \"numbers\" of keys with a "
                         f"\"text\"); {remedy}")
    return numbers


def _write_json(path: Path, content: dict) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(content, indent=1, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    os.replace(temporary, path)


def build(config: str = "quick", store="runs", *, scheduler=None, workers: int | None = None, seed: int = 0,
          source=None, say=print) -> Path:
    """Run (or resume) every study of the paper, draw its figures, write its numbers, compile its PDF.

    Parameters
    ----------
    config : {"quick", "full"}
        ``quick`` builds the same document from the quick configs (minutes);
        ``full`` is the real paper.
    store : path-like
        Directory of the study stores (``STORE/<study>-<config>``, with
        ``-seed<k>`` for a seed other than 0) and of
        the benchmark results (``STORE/benchmarks``).
    scheduler, workers
        As for :func:`isinghop.runtime.runner.run_study`: a dask.distributed
        scheduler address, or the number of local worker processes.
    seed : int
        Root seed of every study.
    source : path-like, optional
        The directory of ``isinghop.typ`` (default: :func:`paper_source`).
    say : callable
        Receives one line per step.

    Returns
    -------
    pathlib.Path
        ``paper/build/isinghop.pdf`` (``full``) or ``isinghop-quick.pdf``
        (``-seed<k>`` added for a seed other than 0).
    """
    if config not in CONFIGS:
        raise ValueError(f"config: expected one of {', '.join(CONFIGS)}, got {config!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected a non-negative integer, got {seed!r}")
    try:
        import typst
    except ImportError:
        raise PaperError("the paper is compiled by Typst: python -m pip install 'isinghop[paper]'") from None
    import matplotlib

    from isinghop.runtime import load_study
    from isinghop.viz.figures import style

    source = Path(source) if source is not None else paper_source()
    store = Path(store)
    started = time.perf_counter()
    datasets = _run_studies(config, store, int(seed), scheduler, workers, say)
    label = config if seed == 0 else f"{config}-seed{int(seed)}"
    out = source / "build" / label
    numbers = {}
    for name, dataset in datasets.items():
        numbers.update(findings(name, dataset))
    paper_json = out / "paper.json"
    if paper_json.is_file():  # the previous build of this config and seed (the folder names both)
        changed = _changed(_previous_numbers(paper_json), numbers)
        if changed:
            raise PaperError(f"{len(changed)} number(s) changed since the last {config} build with seed {seed} "
                             f"(delete {paper_json} to accept them): {'; '.join(changed)}")
    (out / "figures").mkdir(parents=True, exist_ok=True)
    figures = {}
    for name, dataset in datasets.items():
        say(f"figure {name}")
        with style(), matplotlib.rc_context({"svg.hashsalt": "isinghop"}):
            figure = load_study(name).plot(dataset)
            figure.savefig(out / "figures" / f"{name}.svg", metadata={"Date": None})
        figures[name] = {"path": f"figures/{name}.svg", "width_in": float(figure.get_figwidth()),
                         "provenance": f"study {name}, config {config}, root seed {int(seed)}"}
    content = {"config": config, "seed": int(seed), "numbers": numbers, "figures": figures,
               "benchmarks": _benchmarks(store, source), "provenance": _provenance(datasets, config, int(seed))}
    _write_json(paper_json, content)
    pdf = source / "build" / ("isinghop.pdf" if label == "full" else f"isinghop-{label}.pdf")
    say(f"compiling {pdf}")
    try:
        typst.compile(str(source / "isinghop.typ"), output=str(pdf), root=str(source),
                      sys_inputs={"build": f"build/{label}"})
    except typst.TypstError as error:
        where = [line.strip(" ┌─") for line in str(getattr(error, "diagnostic", "")).splitlines() if "┌─" in line]
        raise PaperError(f"Typst: {error}{' at ' + where[0] if where else ''}") from error
    false = [key for key, item in numbers.items() if item.get("holds") is False]
    for key in false:
        say(f"claim false: {key}: {numbers[key]['text']}")
    if false and config == "full":
        raise PaperError(f"{len(false)} claim(s) of the paper are false of the data: {', '.join(false)}")
    say(f"paper written to {pdf} in {time.perf_counter() - started:.0f} s")
    return pdf


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
