"""The one base class for problems a user can fix. The CLI prints the message as one line and exits 2."""


class EclairError(Exception):
    """A user-fixable problem: the message names the input and what to do, in one line."""

    exit_code = 2
