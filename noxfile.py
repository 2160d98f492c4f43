"""Developer tasks; CI (``.ci/run``) runs the same commands."""

import nox

nox.options.sessions = ["tests", "typing", "lint", "docs"]
nox.options.default_venv_backend = "venv"


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite, docstring and docs examples included."""
    session.install("-e", ".[all]", "--group", "test")
    session.run("pytest", *session.posargs)


@nox.session
def typing(session: nox.Session) -> None:
    """Type-check the package and the typing tests with mypy --strict."""
    session.install("-e", ".[all]", "--group", "typing")
    session.run("mypy")


@nox.session
def lint(session: nox.Session) -> None:
    """Lint and check formatting."""
    session.install("--group", "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("codespell", "src", "docs", "tests", "README.md")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the docs with warnings as errors."""
    session.install("-e", ".[all]", "--group", "docs")
    session.run(
        "sphinx-build",
        "-n",
        "-W",
        "--keep-going",
        "-b",
        "html",
        "docs",
        "docs/_build/html",
    )
