"""Imported by every workload: holds the 'breakpoint in another file'."""


def never_called():
    return 'unreachable'  # bench: other-file breakpoint
