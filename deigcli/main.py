"""The one error boundary of the command line.

Known errors (`DeigError`, usage errors) become one `Error:` line, their detail lines and a `Hint:`,
with the error's exit code. Ctrl-C exits 130. Anything else is a bug: one line and a hint, and the
traceback only with DEIG_DEBUG=1.
"""

from __future__ import annotations

import os
import sys
import traceback

from scenes.errors import EXIT_INTERRUPTED, EXIT_RUNTIME, DeigError

from . import console


def _debug() -> bool:
    return os.environ.get("DEIG_DEBUG", "") not in ("", "0", "false", "no")


def main(argv: list[str] | None = None) -> int:
    """Run `deig` with `argv` (default: sys.argv[1:]); returns the exit code."""
    import typer

    from .app import app

    command = typer.main.get_command(app)
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        # Not `command.main(standalone_mode=False)`: it turns Ctrl-C into a silent return code
        # of 130, and the interrupted message below would never show.
        with command.make_context("deig", args) as context:
            result = command.invoke(context)
        code = result if isinstance(result, int) else 0
    except typer.Exit as exc:  # --help, --version, and commands that exit early
        code = exc.exit_code
    except DeigError as exc:
        if _debug():
            traceback.print_exc()
        console.error(exc.message, details=exc.details, hint=exc.hint, more=exc.more)
        code = exc.exit_code
    except typer.TyperException as exc:  # usage errors from the parser (exit 2)
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `deig`: the help was shown, nothing failed
            return 0
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        context = getattr(exc, "ctx", None)
        where = context.command_path if context is not None else "deig"
        console.error(message.rstrip("."), hint=f"Run '{where} --help' for usage.")
        code = getattr(exc, "exit_code", 2)
    except typer.Abort:
        console.error("aborted")
        code = EXIT_INTERRUPTED
    except KeyboardInterrupt:
        console.error("interrupted; finished images are kept, nothing is half-written",
                      hint="Run the same command again to continue where it stopped.")
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of stdout went away (e.g. `| head`): stop quietly.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stdout must stay writable at exit
        except OSError:
            pass
        code = EXIT_RUNTIME
    except Exception as exc:  # noqa: BLE001 - the boundary: a bug, reported in one line
        if _debug():
            traceback.print_exc()
        console.error(f"unexpected {type(exc).__name__}: {exc}",
                      hint="This is a bug in deig. Set DEIG_DEBUG=1 for the traceback and report it.")
        code = EXIT_RUNTIME
    return code


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
