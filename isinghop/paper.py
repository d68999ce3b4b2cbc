"""The project's paper, rebuilt from study data: run every study it quotes, draw, write the numbers, compile.

:func:`build` runs (or resumes) each study of :data:`PAPER_STUDIES` in one
configuration into ``STORE/<study>-<config>``, draws each study's figure from
its merged Dataset, and writes ``paper.json`` beside the figures: every
number the text quotes (a :class:`Number`, with its error where it has one,
from the study's ``findings``), every claim that compares simulation with
theory (a :class:`Claim`, whose sentence is chosen by the data), the
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
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

__all__ = ["Number", "Claim", "PaperError", "PAPER_STUDIES", "CONFIGS", "SIZE", "format_value", "agreement",
           "chi2_agreement", "combined_p_value", "mean_error", "findings", "build", "paper_source"]

#: The studies the paper quotes, in the order of its sections.
PAPER_STUDIES = ("small_networks", "validation", "dynamics_vs_thermal", "symmetry_breaking", "capacity", "phase_diagram",
                 "retrieval", "image_memory", "letters", "single_neuron")
#: The configurations the paper builds from (``quick``: the same document in minutes).
CONFIGS = ("quick", "full")
#: The benchmark scripts whose JSON output the paper reads (``benchmarks/results/<name>.json``).
BENCHMARKS = ("bench_montecarlo",)
MINUS = "\u2212"
SUPERSCRIPTS = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


class PaperError(Exception):
    """The paper cannot be built: a study failed, a number changed, a claim failed, or Typst refused."""


def format_value(value: float, error: float | None = None, digits: int = 4) -> str:
    """``value ± error`` rounded as the error allows, or ``value`` to ``digits`` significant digits.

    The error keeps two significant digits when its leading digits are
    below 355, else one (the Particle Data Group's rule); the value is
    rounded to the same decimal place. Negative numbers get a true minus.

    Returns
    -------
    str
        E.g. ``"0.9515 ± 0.0006"``, ``"0.138 ± 0.012"``, ``"−0.375"``, ``"8.7 × 10⁻⁹"``.
    """
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"value: expected a finite number, got {value!r}")
    if error is not None and not (math.isfinite(float(error)) and float(error) >= 0):
        raise ValueError(f"error: expected a finite non-negative number or None, got {error!r}")
    if error is None or float(error) == 0:
        if value != 0 and abs(value) < 1e-3:
            mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
            mantissa = mantissa.rstrip("0").rstrip(".")  # as the plain format: 2.5e-5 is not 2.500e-5
            return f"{mantissa} × 10{str(int(exponent)).translate(SUPERSCRIPTS)}".replace("-", MINUS)
        text = f"{value:.{digits}g}"
        return (f"{value:.0f}" if "e" in text else text).replace("-", MINUS)
    decimals, quantum = _rounding(float(error))
    rounded_error = round(float(error) / quantum) * quantum
    rounded_value = round(value / quantum) * quantum
    return f"{rounded_value:.{decimals}f} ± {rounded_error:.{decimals}f}".replace("-", MINUS)


def _rounding(error: float) -> tuple[int, float]:
    """Decimal places and rounding quantum of a value with this (positive) error, by the PDG rule."""
    exponent = math.floor(math.log10(error))
    leading = round(error / 10 ** (exponent - 2))
    if leading >= 950:
        exponent, leading = exponent + 1, 100
    significant = 2 if leading < 355 else 1
    return max(significant - 1 - exponent, 0), 10.0 ** (exponent - significant + 1)


@dataclass(frozen=True)
class Number:
    """A number the paper quotes: its value, its standard error (``None``: exact or theory), its unit.

    Attributes
    ----------
    value : float
        The value.
    error : float or None
        One standard error (from independent disorder samples or the
        statistics of a chain); ``None`` for exact and theoretical values.
    unit : str
        Text after the number (e.g. ``"%"`` or ``"s"``); empty for pure numbers.
    digits : int
        Significant digits when there is no error.
    samples : int or None
        The number of independent samples the error was estimated from
        (comparisons then use Student's t with ``samples − 1`` degrees of
        freedom); ``None``: the error is known.
    """

    value: float
    error: float | None = None
    unit: str = ""
    digits: int = 4
    samples: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "value", float(self.value))
        if self.error is not None:
            object.__setattr__(self, "error", float(self.error))
        format_value(self.value, self.error, self.digits)  # refuses NaN and infinities now

    @property
    def text(self) -> str:
        """The number as the paper prints it, with its error and unit."""
        number = format_value(self.value, self.error, self.digits)
        if self.error is not None and self.unit:
            number = f"({number})"
        return f"{number}\u2009{self.unit}" if self.unit else number


@dataclass(frozen=True)
class Claim:
    """A statement comparing simulation with theory whose wording the data choose.

    Attributes
    ----------
    holds : bool
        Whether the data support the claim.
    text : str
        The sentence that is true of the data (the claim, or its negation).
    """

    holds: bool
    text: str


def mean_error(data, dim: str = "sample") -> Number:
    """Mean over independent samples along ``dim`` and its standard error, as a :class:`Number`.

    Returns
    -------
    Number
        ``mean ± std(ddof=1)/√n`` over the ``dim`` axis of ``data`` (an
        ``xarray.DataArray``; every other axis averaged first), with
        ``samples = n``, by :func:`isinghop.finite_size.sample_mean_error`:
        NaN samples are missing and do not count; the error is 0 when the
        samples agree to rounding. Fewer than 2 samples present, or an
        infinite one, is a ``ValueError``.
    """
    from isinghop.finite_size import sample_mean_error

    if dim not in data.dims:
        raise ValueError(f"dim: {dim!r} is not a dimension of the data (dims {tuple(data.dims)})")
    others = [name for name in data.dims if name != dim]
    per_sample = data.mean(others) if others else data
    infinite = np.isinf(np.asarray(per_sample, dtype=float))
    if infinite.any():
        raise ValueError(f"data: {int(infinite.sum())} sample(s) along {dim!r} are infinite: no mean to quote")
    mean, error, count = (float(part) for part in sample_mean_error(per_sample.astype(float), dim))
    if count < 2:
        raise ValueError(f"data: need two or more finite samples along {dim!r} for an error, got {int(count)}")
    return Number(mean, error, samples=int(count))


#: Two-sided tail probability of 3 normal standard errors: the size of every test of the paper's claims.
SIZE = 0.0027


def _tail(z: float, samples: int | None) -> float:
    """Two-sided p-value of ``z`` standard errors: normal, or Student's t with ``samples − 1`` degrees of freedom."""
    from scipy import stats

    return float(2 * (stats.norm.sf(z) if samples is None else stats.t.sf(z, samples - 1)))


def agreement(measured: Number, theory: float, what: str) -> Claim:
    """Does ``measured`` agree with ``theory``? A two-sided test of size :data:`SIZE` (3σ for a known error).

    With an error estimated from ``measured.samples`` samples the tail is
    Student's t with ``samples − 1`` degrees of freedom.

    Returns
    -------
    Claim
        ``"agrees with WHAT (θ): z = …, p = …"``, or ``"differs from WHAT (θ)
        by z standard errors (p = …)"``.
    """
    if measured.error is None or not measured.error > 0:
        raise ValueError(f"measured: a comparison with theory needs an error, got {measured!r}")
    z = abs(measured.value - float(theory)) / measured.error
    p_value = _tail(z, measured.samples)
    # the theory to at least the decimals of the measurement: 0.99800 beside 0.99803 ± 0.00007, not 0.998
    reference = f"{what} ({_at_least(theory, _rounding(measured.error)[0])})"
    if p_value >= SIZE:
        return Claim(True, f"agrees with {reference}: z = {z:.1f}, p = {format_value(p_value, digits=2)}")
    return Claim(False, f"differs from {reference} by {z:.1f} standard errors (p = {format_value(p_value, digits=2)})")


def _at_least(theory: float, decimals: int) -> str:
    """``theory`` to 4 significant digits, or to ``decimals`` places where that shows more."""
    text = format_value(theory)
    shown = len(text.partition(".")[2]) if "×" not in text else decimals
    return text if shown >= decimals else f"{float(theory):.{decimals}f}".replace("-", MINUS)


def chi2_agreement(values, errors, theory, what: str, *, samples: int | None = None) -> Claim:
    """Do the independent ``values`` (standard ``errors``) agree with ``theory`` as a whole?

    Each residual ``z = (value − theory)/error`` is turned into the normal
    deviate of equal tail probability (Student's t with ``samples − 1``
    degrees of freedom when each error comes from ``samples`` samples), and
    their squares summed: a χ² with one degree of freedom per finite value.
    The claim holds when its p-value is at least :data:`SIZE`. The values
    must be independent (e.g. different sizes, or different disorder).

    Returns
    -------
    Claim
        ``"agree with WHAT: χ² = … for k values (p = …)"``, or ``"disagree …"``.
    """
    from scipy import stats

    values, errors, theory = (np.asarray(a, dtype=float) for a in _aligned(values, errors, theory))
    keep = np.isfinite(values) & np.isfinite(theory) & np.isfinite(errors) & (errors > 0)
    if not keep.any():
        raise ValueError("values: no finite value with a positive error to compare")
    z = np.abs(values - theory)[keep] / errors[keep]
    normal = z if samples is None else stats.norm.isf(stats.t.sf(z, samples - 1))
    statistic = float((normal ** 2).sum())
    p_value = float(stats.chi2.sf(statistic, keep.sum()))
    verb = "agree with" if p_value >= SIZE else "disagree with"
    return Claim(p_value >= SIZE, f"{verb} {what}: χ² = {statistic:.1f} for {keep.sum()} values "
                                  f"(p = {format_value(p_value, digits=2)})")


def _aligned(*arrays):
    """The arrays broadcast against each other: by dimension name for xarray objects, else by position."""
    import xarray as xr

    if all(isinstance(a, xr.DataArray) for a in arrays):
        return [a.values for a in xr.broadcast(*arrays)]
    return np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in arrays))


def combined_p_value(p_values, what: str) -> Claim:
    """Fisher's combination of independent tests' p-values; the claim holds when it is at least :data:`SIZE`.

    A p-value of exactly 1 (a test left with fewer than two categories) is
    no test, and is left out.

    Returns
    -------
    Claim
        ``"WHAT: Fisher's combination of the k tests gives p = …"``, worded
        as consistent or not.
    """
    from scipy.stats import combine_pvalues

    p_values = np.asarray(p_values, dtype=float).ravel()
    p_values = p_values[np.isfinite(p_values) & (p_values < 1.0)]
    if p_values.size == 0:
        raise ValueError("p_values: none is a finite test below 1")
    combined = float(combine_pvalues(p_values, method="fisher").pvalue)
    verdict = "consistent with" if combined >= SIZE else "inconsistent with"
    return Claim(combined >= SIZE, f"are {verdict} {what} (Fisher's combination of the {p_values.size} tests: "
                                   f"p = {format_value(combined, digits=2)})")


def findings(name: str, dataset) -> dict:
    """The numbers and claims of one study for the paper, keyed ``"<study>.<name>"``.

    Returns
    -------
    dict
        ``{key: {"text": …, "value": …, "error": …}}`` for numbers and
        ``{key: {"text": …, "holds": …}}`` for claims.
    """
    from isinghop.study import load_study

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
    from isinghop.study import load_study, run

    datasets = {}
    for name in PAPER_STUDIES:
        say(f"study {name} ({config})")
        try:
            dataset = run(load_study(name), config, store / _store_name(name, config, seed), scheduler=scheduler,
                          workers=workers, rng=seed)
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
    from isinghop.provenance import collect, cpu_model

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
        As for :func:`isinghop.study.run`: a dask.distributed scheduler address,
        or the number of local worker processes.
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

    from isinghop.study import load_study

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
        with matplotlib.rc_context({"svg.hashsalt": "isinghop"}):
            load_study(name).plot(dataset).savefig(out / "figures" / f"{name}.svg", metadata={"Date": None})
        figures[name] = {"path": f"figures/{name}.svg",
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
