"""The demo recalls a pattern below capacity and writes its figure."""

import os
import subprocess
import sys

import pytest

from isinghop.cli import main
from isinghop.viz.demo import recall_demo


def test_demo_recalls_below_capacity(tmp_path, capsys):
    out = tmp_path / "demo.png"
    assert main(["demo", "--out", str(out), "--seed", "3"]) == 0
    assert out.stat().st_size > 10_000
    printed = capsys.readouterr().out
    assert "figure written to" in printed
    # alpha = 40/1024 ~ 0.04, well below 0.138: a 25 % corrupted cue is recalled perfectly
    result = recall_demo(rng=3)
    assert result.overlaps[0, 0] == 0.5
    assert result.overlaps[-1, 0] == 1.0


def test_demo_fails_above_capacity():
    # alpha = 300/1024 ~ 0.29: the pattern is not a fixed point, recall is imperfect
    result = recall_demo(n_patterns=300, noise=0.1, rng=4)
    assert result.overlaps[-1, 0] < 0.95


def test_bad_arguments_exit_with_code_two(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--noise", "1.5"])
    assert exit_info.value.code == 2
    assert "noise" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["unknown"])
    assert exit_info.value.code == 2


def test_module_entry_point(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "isinghop", "demo", "--side", "12", "--patterns", "3", "--out", str(tmp_path / "d.png")],
        capture_output=True, text=True, check=True,
    )
    assert "figure written to" in done.stdout


def test_help_list_and_info_do_not_import_numba(tmp_path):
    import isinghop as ih
    import toy_study

    ih.run_study(toy_study.STUDY, "quick", tmp_path / "store", rng=1)  # a store to inspect, made without numba
    for command in (["--help"], ["list"], ["info", str(tmp_path / "store")], ["--version"]):
        probe = ("import sys\nfrom isinghop.cli import main\ntry:\n    main(%r)\nexcept SystemExit:\n    pass\n"
                 "print('numba' in sys.modules, file=sys.stderr)" % (command,))
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
        assert done.stderr.strip().splitlines()[-1] == "False", (command, done.stderr)


CACHED = """
import isinghop as ih
from isinghop._kernels.specs import kernel_spec
from isinghop._kernels.backends.cpu import kernels
model = ih.hebbian(ih.random_patterns(3, 40, rng=1))
ih.relax(model, ih.random_spins(2, 40, rng=2), rng=3)
spec = kernel_spec(model.couplings)
print(kernels(spec.init, spec.field, spec.flip).relax.stats.cache_hits)
"""


def test_compiled_kernels_are_cached_on_disk_and_compiling_says_so_once(tmp_path):
    environment = os.environ | {"NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    runs = [subprocess.run([sys.executable, "-c", CACHED], env=environment, capture_output=True, text=True,
                           check=True) for _ in range(2)]
    hits = [run.stdout.split()[-1] for run in runs]
    assert hits[0] == "Counter()" and hits[1] != "Counter()"  # compiled by the first process, loaded by the second
    notices = [run.stderr.count("isinghop: compiling") for run in runs]
    assert notices == [1, 0], [run.stderr for run in runs]  # one line while compiling, none from the cache


def test_a_store_that_cannot_be_written_is_one_line(tmp_path, capsys, monkeypatch):
    import isinghop as ih
    from matplotlib.figure import Figure

    ih.run_study("retrieval", "quick", tmp_path / "store", rng=1)
    capsys.readouterr()

    def read_only(self, path, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Figure, "savefig", read_only)  # as in a read-only store (root ignores file modes)
    with pytest.raises(SystemExit) as exit_info:
        main(["plot", str(tmp_path / "store")])
    error = capsys.readouterr().err
    assert exit_info.value.code == 1 and error.count("\n") == 1 and "Permission denied" in error
    assert "pass --out" in error and f"{tmp_path / 'store' / 'retrieval.png'}" in error  # the file asked for


def test_a_mistyped_command_or_study_gets_a_suggestion(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["rnu", "retrieval"])
    assert exit_info.value.code == 2
    assert "did you mean 'run'?" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "retreival"])
    assert exit_info.value.code == 2
    assert "did you mean 'retrieval'?" in capsys.readouterr().err


def test_a_reader_that_stops_early_is_not_an_error(monkeypatch):
    """``isinghop list | head -1``: the reader closes the pipe; the command ends with 141 (SIGPIPE), quietly."""
    import io
    import os

    read, write = os.pipe()
    os.close(read)
    stdout = io.TextIOWrapper(os.fdopen(write, "wb", buffering=0), write_through=True)
    monkeypatch.setattr("sys.stdout", stdout)
    assert main(["list"]) == 141


@pytest.mark.slow
def test_a_group_runs_each_member_into_its_own_store(tmp_path, capsys, quick_stores):
    import isinghop as ih
    from conftest import run_quick

    members = ih.runtime.study_groups()["symmetry_breaking"]
    for name in members:  # each member's store is the shared quick store: all of them resume
        run_quick(quick_stores, name)
        (tmp_path / name).symlink_to(quick_stores / f"{name}-quick")
    assert main(["run", "symmetry_breaking", "--store", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert [line.split(" ")[0] for line in out.splitlines() if "(quick)" in line] == list(members)
    assert all((tmp_path / name / f"{name}.png").exists() for name in members)
    assert main(["list"]) == 0
    assert "symmetry_breaking (a group: isinghop run symmetry_breaking runs exact_mirror" in capsys.readouterr().out
