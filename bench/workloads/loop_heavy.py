"""Loop-heavy: numeric loops."""
import other
import timing

# The other file's breakpoint is in this function, which never runs.
OTHER_FILE_TARGET = other.never_called


def sieve(limit):
    flags = [True] * (limit + 1)
    count = 0
    for n in range(2, limit + 1):
        if flags[n]:
            count += 1
            for multiple in range(n * n, limit + 1, n):
                flags[multiple] = False
        elif n < 0:
            return -1  # bench: hot-function breakpoint
    return count


def never_called():
    return 'unreachable'  # bench: same-file breakpoint


def work():
    sieve(1000000)
    total = 0.0
    i = 0
    while i < 1000000:
        total += (i % 7) * 0.5
        i += 1
    return total


timing.report(work)
