"""Command line: ``isinghop list | run | plot | info | paper | demo`` (also ``python -m isinghop``)."""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from pathlib import Path

from isinghop.viz.demo import plot_demo, recall_demo
from isinghop.paper import PaperError
from isinghop.runtime import StoreFullError, study_groups, study_names

#: The subcommands, for a suggestion when one is mistyped.
COMMANDS = ("list", "run", "plot", "info", "paper", "demo")


def _parser() -> argparse.ArgumentParser:
    from isinghop import __version__

    parser = argparse.ArgumentParser(prog="isinghop", description="Hopfield networks as Ising Hamiltonians.")
    parser.add_argument("--version", action="version", version=f"isinghop {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("list", help="studies and their configurations")
    run = commands.add_parser("run", help="run a study (resumes an existing store)")
    run.add_argument("study", help="a study, or a group of studies that runs each member ('isinghop list' "
                                   "names them)")
    run.add_argument("--config", default="quick", help="configuration (default quick)")
    run.add_argument("--store", help="store directory (default runs/STUDY-CONFIG; for a group, STORE/STUDY each)")
    run.add_argument("--workers", type=int, help="local worker processes")
    run.add_argument("--scheduler", help="dask.distributed scheduler address, e.g. tcp://host:8786")
    run.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    run.add_argument("--reuse-stale", action="store_true",
                     help="keep points computed by other code instead of computing them again (they are listed)")
    plot = commands.add_parser("plot", help="draw a store's figure (and its animations)")
    plot.add_argument("store")
    plot.add_argument("--out", help="PNG to write (default STORE/STUDY.png)")
    info = commands.add_parser("info", help="grid, points done/missing/failed, provenance of a store")
    info.add_argument("store")
    paper = commands.add_parser("paper", help="run (or resume) every study of the paper and compile its PDF")
    paper.add_argument("--config", default="quick", choices=("quick", "full"),
                       help="quick (the same document in minutes) or full")
    paper.add_argument("--store", default="runs", help="directory of the study stores (default runs)")
    paper.add_argument("--workers", type=int, help="local worker processes")
    paper.add_argument("--scheduler", help="dask.distributed scheduler address, e.g. tcp://host:8786")
    paper.add_argument("--seed", type=int, default=0, help="root seed of every study (default 0)")
    demo = commands.add_parser("demo", help="store random patterns, corrupt one, recall it, plot")
    demo.add_argument("--side", type=int, default=32, help="image side; N = side² sites (default 32)")
    demo.add_argument("--patterns", type=int, default=40, help="number of stored patterns P (default 40)")
    demo.add_argument("--noise", type=float, default=0.25, help="fraction of sites flipped in the cue (default 0.25)")
    demo.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    demo.add_argument("--out", default="isinghop-demo.png", help="PNG to write (default isinghop-demo.png)")
    return parser


def _list() -> None:
    from isinghop.runtime import load_study

    for name in study_names():
        study = load_study(name)
        print(f"{name}: {study.description}")
        for config, settings in study.configs.items():
            print(f"  --config {config}: {len(settings.points())} tasks; {settings.description}")
    for group, members in study_groups().items():
        print(f"{group} (a group: isinghop run {group} runs {', '.join(members)})")


def _save_figure(store: Path, out) -> Path:
    from isinghop.runtime import load_store, load_study, store_status

    study = load_study(store_status(store)["record"]["study"])
    dataset = load_store(store)
    missing = json.loads(dataset.attrs["missing_points"])
    if missing:
        print(f"warning: the figure is partial: {len(missing)} of {len(missing) + len(json.loads(dataset.attrs['point_keys']))}"
              f" points are missing from {store}", file=sys.stderr)
    path = Path(out) if out else store / f"{study.name}.png"
    from isinghop.viz.figures import style

    temporary = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")  # the suffix names the format
    try:
        with style():
            study.plot(dataset).savefig(temporary, dpi=120)
        os.replace(temporary, path)  # a reader sees the old figure or the new one, never half of one
    except OSError as error:
        raise type(error)(error.errno, error.strerror, str(path)) from None  # name the file asked for
    finally:
        temporary.unlink(missing_ok=True)
    if study.animate is not None:
        for animation in study.animate(dataset, path.parent):
            print(f"animation written to {animation}")
    return path


def _run(args) -> None:
    from isinghop.runtime import load_study

    members = study_groups().get(args.study)
    studies = [load_study(name) for name in members] if members else [load_study(args.study)]
    for study in studies:  # every configuration checked before anything runs
        if args.config not in study.configs:
            raise ValueError(f"--config: unknown configuration {args.config!r} of {study.name}; choose from "
                             f"{', '.join(study.configs)}")
    for study in studies:
        store = Path(args.store) / study.name if members and args.store else Path(
            args.store or f"runs/{study.name}-{args.config}")
        _run_study(study, store, args)


def _run_study(study, store: Path, args) -> None:
    from isinghop.runtime import run_study, write_dataset

    try:
        dataset = run_study(study, args.config, store, scheduler=args.scheduler, workers=args.workers,
                            rng=args.seed, reuse_stale=args.reuse_stale)
    except KeyboardInterrupt:
        print(f"\ninterrupted: finished points are kept in {store}; run again to resume", file=sys.stderr)
        raise SystemExit(130) from None
    merged, figure = store / f"{study.name}.nc", store / f"{study.name}.png"
    if dataset.attrs["points_computed"] == 0 and merged.exists() and figure.exists():
        print(f"{study.name} ({args.config}): nothing to compute; {merged} and {figure} are up to date")
        return
    failed = json.loads(dataset.attrs["failed_points"])
    print(f"{study.name} ({args.config}): {len(json.loads(dataset.attrs['point_keys']))} points in {store} "
          f"({dataset.attrs['wall_time_s']:.1f} s this run)")
    if failed:
        print(f"{len(failed)} failed point(s), errors in {store / 'failed'}: {', '.join(failed)}")
    if dataset.attrs["code_fingerprint"] == "mixed":
        print(f"warning: the points were computed by different code: {dataset.attrs['code_fingerprints']}",
              file=sys.stderr)
    print(f"dataset written to {write_dataset(dataset, merged)}")
    print(f"figure written to {_save_figure(store, None)}")


def _paper(args) -> None:
    from isinghop.paper import build

    try:
        build(args.config, args.store, scheduler=args.scheduler, workers=args.workers, seed=args.seed)
    except KeyboardInterrupt:
        print(f"\ninterrupted: finished points are kept in {args.store}; run again to resume", file=sys.stderr)
        raise SystemExit(130) from None


def _info(store: Path) -> None:
    from isinghop.runtime import store_status

    status = store_status(store)
    record = status["record"]
    print(f"study {record['study']}, config {record['config']}, root seed entropy {record['seed_entropy']}")
    for name, values in record["grid"].items():
        print(f"  {name}: {values}")
    print(f"points: {len(status['done'])} done, {len(status['missing'])} missing, {len(status['failed'])} failed, "
          f"{len(status['damaged'])} damaged, {len(status['checkpoints'])} with checkpoints")
    for key in status["failed"]:
        print(f"  failed: {key}")
    for name in status["damaged"]:
        print(f"  damaged (moved aside): {store / 'damaged' / name}")
    fingerprints = status["code_fingerprints"]
    if len(fingerprints) > 1:
        print(f"points computed by {len(fingerprints)} versions of the code (code_fingerprint: points):")
        for fingerprint, keys in fingerprints.items():
            print(f"  {fingerprint or '(none recorded)'}: {len(keys)}")
    for name, value in record.get("provenance", {}).items():
        print(f"  {name}: {value}")
    if status["stale"]:
        print(f"{len(status['stale'])} point file(s) of an earlier grid, kept but not merged: "
              f"{', '.join(status['stale'])}")
    print(f"fixed: {json.dumps(record['fixed'])}")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    arguments = sys.argv[1:] if argv is None else argv
    if arguments and not arguments[0].startswith("-") and arguments[0] not in COMMANDS:
        close = difflib.get_close_matches(arguments[0], COMMANDS, n=1)
        if close:
            parser.exit(2, f"isinghop: error: unknown command {arguments[0]!r}; did you mean {close[0]!r}? "
                           f"(one of {', '.join(COMMANDS)})\n")
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            _list()
        elif args.command == "run":
            _run(args)
        elif args.command == "plot":
            print(f"figure written to {_save_figure(Path(args.store), args.out)}")
        elif args.command == "info":
            _info(Path(args.store))
        elif args.command == "paper":
            _paper(args)
        else:
            _demo(args)
    except BrokenPipeError:  # the reader stopped early (isinghop info STORE | head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second failure at exit's flush
        return 141  # 128 + SIGPIPE, as the shell reports a command whose reader closed the pipe
    except (StoreFullError, PaperError) as error:
        parser.exit(1, f"isinghop: error: {error}\n")
    except (TypeError, ValueError, FileNotFoundError) as error:
        parser.exit(2, f"isinghop: error: {error}\n")
    except OSError as error:  # e.g. a figure written into a read-only store: say where, in one line
        parser.exit(1, f"isinghop: error: {error}; pass --out to write elsewhere\n" if args.command == "plot"
                    else f"isinghop: error: {error}\n")
    return 0


def _demo(args) -> None:
    result = recall_demo(side=args.side, n_patterns=args.patterns, noise=args.noise, rng=args.seed)
    n_patterns, n_sites = result.patterns.shape
    print(f"stored P = {n_patterns} random patterns on N = {n_sites} sites (alpha = {n_patterns / n_sites:.3f})")
    print(f"cue: pattern 1 with {args.noise:.0%} of its sites flipped")
    print(f"{'sweep':>5}  {'m_1':>7}  {'max |m_mu|, mu>1':>16}")
    for sweep, row in enumerate(result.overlaps):
        print(f"{sweep:>5}  {row[0]:>7.4f}  {abs(row[1:]).max(initial=0):>16.4f}")
    print("recall reached a fixed point" if result.converged else "recall did not settle within the sweep limit")
    print(f"figure written to {plot_demo(result, args.out)}")


if __name__ == "__main__":
    sys.exit(main())
