"""Developer tasks, one session per step of ``.ci/run``.

Each session installs its tools and runs that step; ``.ci/run`` is the one
definition of the checks, and CI runs all of them.
"""

import nox

nox.options.sessions = ["tests", "typing", "lint", "docs"]
nox.options.default_venv_backend = "venv"


def _step(session: nox.Session, name: str) -> None:
    session.run("bash", ".ci/run", name, external=True)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite with the coverage gate (docs examples included)."""
    session.install("-e", ".[all]", "--group", "test")
    _step(session, "tests")


@nox.session
def typing(session: nox.Session) -> None:
    """Type-check the package with mypy, the typing tests with pyright."""
    session.install("-e", ".[all]", "--group", "typing")
    _step(session, "types")


@nox.session
def lint(session: nox.Session) -> None:
    """Lint, check formatting, spelling and pyproject.toml."""
    session.install("--group", "lint")
    _step(session, "lint")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the docs with warnings as errors."""
    session.install("-e", ".[all]", "--group", "docs")
    _step(session, "docs")
