"""The documentation site as built, and README's commands as CI runs them.

The site is built from a copy of ``docs/`` with sphinx-gallery's examples left unrun (``plot_gallery=0``), so
the test neither writes into the checkout nor spends minutes on the gallery; CI's docs command builds the real
site with ``-W``. Warnings do not catch what this checks: docutils reads an author's initial ("J. J. Hopfield")
at the start of a list item as an enumerator and renders a reference as a lettered list.
"""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
AUTHORS = ["J. J. Hopfield", "D. J. Amit", "B. Kaufman", "A. M. Ferrenberg", "A. Storkey"]
ENUMERATED = re.compile(r"<ol\b")
LETTERED = re.compile(r'class="[^"]*\b(lower|upper)(alpha|roman)\b')


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("sphinx", reason="the docs extra is not installed")
    pytest.importorskip("sphinx_gallery", reason="the docs extra is not installed")
    work = tmp_path_factory.mktemp("site")
    source = work / "docs"
    shutil.copytree(ROOT / "docs", source,
                    ignore=shutil.ignore_patterns("_build", "auto_examples", "sg_execution_times.rst", "__pycache__"))
    built = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", "-D", "plot_gallery=0",
                            str(source), str(work / "html")], cwd=work, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    return work / "html"


@pytest.mark.slow
def test_the_references_are_a_bullet_list_with_the_authors_initials(site):
    page = (site / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<section id="references-the-studies-reproduce">(.*?)</section>', page, re.S)
    assert found, "index.html has no References section"
    references = found.group(1)
    assert not ENUMERATED.search(references), references
    assert references.count("<li>") == len(AUTHORS), references
    text = _text(references)
    for author in AUTHORS:
        assert author in text
    assert not LETTERED.search(page), "a lettered or roman list on the front page"


@pytest.mark.slow
def test_no_page_renders_an_initial_or_a_symbol_as_a_lettered_list(site):
    """A parameter described as "N." or an author list starting "J. J." becomes an ``<ol class="upperalpha">``."""
    lettered = [str(page.relative_to(site)) for page in sorted(site.rglob("*.html"))
                if LETTERED.search(page.read_text(encoding="utf-8"))]
    assert not lettered, lettered


def _shell_commands():
    """The lines of README's untyped fenced blocks, which hold shell commands (the others say ```python)."""
    commands, fence = [], None
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fence = line[3:].strip() if fence is None else None
        elif fence == "" and line.strip():
            commands.append(line)
    assert fence is None, "README ends inside a fenced block"
    return commands


def test_readme_test_and_docs_commands_are_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = _shell_commands()
    for tool in ("python -m pytest", "python -m sphinx"):
        matching = [command for command in commands if tool in command]
        assert len(matching) == 1, (tool, matching)
        assert matching[0] in ci, (matching[0], ci)


def test_readme_commands_run_from_a_new_shell():
    for command in _shell_commands():
        assert command.startswith(("python -m venv .venv && . .venv/bin/activate && ", ". .venv/bin/activate && ")), command


def test_readme_states_the_python_it_needs():
    needed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    version = re.fullmatch(r">=\s*(\d+\.\d+)", needed).group(1)
    assert f"Python {version} or newer" in (ROOT / "README.md").read_text(encoding="utf-8")
