"""The base of every error a user can act on (bad input, configuration, a missing model).

The command line prints such an error as one line per problem and exits with
its ``exit_code``; nothing else is caught, so a bug still shows its traceback.
"""


class StanceframeError(Exception):
    """Base for every error caused by input, configuration or a missing model."""

    exit_code = 1
