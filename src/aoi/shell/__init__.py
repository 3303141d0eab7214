"""The shell subset AOI understands: parse a line into a command tree, quote a tree, run one.

Nothing here runs a real shell or knows which programs exist; the gate judges
the tree, and every runner executes the tree with programs it supplies.
"""

from aoi.shell.parse import MAX_LENGTH, ShellSyntaxError, parse
from aoi.shell.tree import (
    AndOr,
    Command,
    CommandSub,
    For,
    Group,
    If,
    Lit,
    Param,
    Pipeline,
    Redirect,
    Sequence,
    Simple,
    While,
    Word,
    simple_commands,
)

__all__ = [
    "MAX_LENGTH",
    "AndOr",
    "Command",
    "CommandSub",
    "For",
    "Group",
    "If",
    "Lit",
    "Param",
    "Pipeline",
    "Redirect",
    "Sequence",
    "ShellSyntaxError",
    "Simple",
    "While",
    "Word",
    "parse",
    "simple_commands",
]
