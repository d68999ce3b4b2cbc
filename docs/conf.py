"""Sphinx configuration of the isinghop documentation (``python -m sphinx -W -b html docs docs/_build/html``)."""

import os

import isinghop

os.environ.setdefault("MPLBACKEND", "Agg")

project = "isinghop"
author = "The isinghop developers"
copyright = "2026, the isinghop developers"
release = isinghop.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinx-mathjax-offline",  # MathJax from the package, so the built site shows formulas offline
]

exclude_patterns = ["_build", "images", "examples/GALLERY_HEADER.rst"]
templates_path = []
html_theme = "pydata_sphinx_theme"
html_title = f"isinghop {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path = []

# every cross-reference must resolve; names of other packages cannot (no inventories offline)
nitpicky = True
nitpick_ignore_regex = [(r"py:.*", r"(numpy|scipy|pymbar|dimod|xarray|networkx|matplotlib|pandas|distributed)(\..*)?")]

autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "none"
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()

# the site builds offline from the project's own files: no inventories are fetched
intersphinx_mapping = {}

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "image_scrapers": ("matplotlib",),
    "show_memory": False,
    "reset_modules": ("matplotlib",),
}
