"""The ``customer-centric`` command line (needs the ``[cli]`` extra).

Each sub-command lives in its own private module, imported only when the
command runs or its help is shown, so that ``customer-centric --help``
does not load pydantic, numpy and every area (issue 10).

Examples:
    >>> from click.testing import CliRunner
    >>> from customer_centric.cli import main
    >>> result = CliRunner().invoke(main, ["--help"])
    >>> result.exit_code
    0
"""

from __future__ import annotations

from customer_centric._extras import require_extra

require_extra("cli", "click", "rich")

# ruff: noqa: E402 - the imports below come after the extra's guard
import importlib
from typing import Final

import click

from customer_centric.cli._files import tolerate_narrow_terminals

__all__ = ["main"]

_COMMANDS: Final = {
    "demo": ("customer_centric.cli._demo", "demo"),
    "replay": ("customer_centric.cli._replay", "replay"),
    "score": ("customer_centric.cli._score", "score"),
    "what-if": ("customer_centric.cli._whatif", "what_if"),
}
"""Each sub-command's name, and the module and function that define it."""


class _LazyGroup(click.Group):
    """A group that imports a sub-command's module when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_COMMANDS})

    def get_command(
        self, ctx: click.Context, cmd_name: str
    ) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, function = _COMMANDS[cmd_name]
        command: click.Command = getattr(
            importlib.import_module(module), function
        )
        return command


@click.group(
    cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="customer-centric")
def main() -> None:
    """Know where every customer stands, and why."""
    tolerate_narrow_terminals()
