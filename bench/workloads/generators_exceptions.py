"""Generators and exceptions."""
import other
import timing

# The other file's breakpoint is in this function, which never runs.
OTHER_FILE_TARGET = other.never_called


def numbers(limit):
    for i in range(limit):
        yield i


def pairs(limit):
    yield from zip(numbers(limit), numbers(limit))


def checked(value):
    if value < 0:
        return -1  # bench: hot-function breakpoint
    if value % 3 == 0:
        raise ValueError(value)
    return value


def never_called():
    return 'unreachable'  # bench: same-file breakpoint


def work():
    total = 0
    for a, b in pairs(300000):
        try:
            total += checked(a + b)
        except ValueError:
            total -= 1
    return total


timing.report(work)
