"""Sphinx configuration; the docs build with ``-n -W`` (warnings fail)."""

from importlib.metadata import version as _version

project = "customer_centric"
author = "customer_centric developers"
copyright = "2026, customer_centric developers"
release = _version("customer-centric")
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "matplotlib.sphinxext.plot_directive",
]
source_suffix = {".md": "markdown"}
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# The build machines are offline, so intersphinx has no inventories to
# fetch; references to other projects' types are written as plain text and
# nitpicky mode is told to accept them below.
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}
nitpicky = True
nitpick_ignore_regex = [
    (
        r"py:.*",
        (
            r"(datetime|decimal|collections|typing|typing_extensions|enum|"
            r"pathlib|numpy|np|npt|scipy|pandas|polars|pyarrow|narwhals|nw|pyspark|"
            r"matplotlib|pydantic|pydantic_core|attrs|attr|annotated_types|"
            r"dateutil|types|builtins|os|io|click|rich)(\..*)?"
        ),
    ),
    (
        r"py:class",
        r"(NDArray|ArrayLike|FloatArray|IntArray|Self|T|Axes|FrozenMap|SortedSet)",
    ),
    # Short names of standard and pydantic types in rendered annotations.
    (r"py:class", r"(Decimal|date|time|datetime|timedelta|AwareDatetime)"),
    # pydantic's repr of Field() metadata inside Annotated aliases.
    (r"py:class", r"(FieldInfo|required=True|annotation=NoneType|.*=.*)"),
    (r"py:class", r"_\w+"),  # private aliases named in public annotations
    (r"py:class", r"customer_centric\.(\w+\.)?_.*"),
    (r"py:obj", r"customer_centric\.(\w+\.)?_.*"),
]

autodoc_member_order = "bysource"
# Pydantic records would otherwise show their generated __init__ signature,
# full of field metadata; their fields are documented as attributes.
autodoc_class_signature = "separated"
# Show defaults as written in the source (``LifecycleStage.WELCOME``), not
# as their repr (``<LifecycleStage.WELCOME: 'welcome'>``).
autodoc_preserve_defaults = True
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_pydantic_model_show_json = False
napoleon_google_docstring = True
napoleon_numpy_docstring = False

# Figures are drawn at build time from the data the package ships
# (docs/figures/*.py through matplotlib's plot directive), as SVG.
plot_formats = [("svg", 96)]
plot_html_show_formats = False
plot_html_show_source_link = False
plot_include_source = False
plot_rcparams = {"savefig.bbox": "tight", "figure.autolayout": False}

html_theme = "furo"
# Wide tables (the rule tables) scroll inside the page instead of
# overflowing it, and long guard texts wrap.
html_static_path = ["_static"]
html_css_files = ["tables.css"]
html_title = "customer_centric"
exclude_patterns = ["_build"]
