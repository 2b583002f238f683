"""The one base class for problems a user can fix. The CLI prints the message as one line and exits 2."""


class EclairError(Exception):
    """A user-fixable problem: the message names the input and what to do, in one line."""

    exit_code = 2


class Terminated(BaseException):
    """SIGTERM (a `timeout`, a supervisor, a kill): the run is closed as interrupted. A BaseException, like Ctrl-C,
    so no `except Exception` swallows it on the way out."""

    def __init__(self, signum: int = 15) -> None:
        super().__init__(f"stopped by signal {signum} (SIGTERM: a timeout or a kill)")


def terminate_politely() -> None:
    """Make SIGTERM raise Terminated, so a run stopped by a timeout is closed in the store as interrupted."""
    import signal

    def handler(signum: int, _frame: object) -> None:
        raise Terminated(signum)

    signal.signal(signal.SIGTERM, handler)
