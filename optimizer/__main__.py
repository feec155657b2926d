"""`python -m optimizer`: the command line."""

import os
import sys

from optimizer.cli.commands import main

try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:
    # Whoever read stdout stopped early (e.g. `| head`): end quietly, as Unix tools do, not with a
    # traceback. Python's documented recipe: point stdout at devnull so the exit flush cannot fail.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 1
except KeyboardInterrupt:
    # Ctrl-C stops a long sweep; its worker processes got the same signal. No traceback, the shell's code.
    print("stopped (interrupted)", file=sys.stderr)
    code = 130
sys.exit(code)
