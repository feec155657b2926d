"""Layer 6, the command line `python -m optimizer`: the commands (`commands`), the follow-up cycle's
`plan adopt|status|replan` (`plan`), and what they share: exit codes, messages, tables (`common`)."""

from optimizer.cli.commands import main

__all__ = ["main"]
