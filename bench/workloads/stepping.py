"""Stepping: what a debugger costs once the user steps, or sets a condition.

    stepping.py calls|loops|return|condition

The debugger stops at a breakpoint, then steps over the line that calls
the work (`next`), steps out of it (`return`), or continues; `condition`
is a hot loop holding a breakpoint whose condition is never true.
"""
import sys

import timing


def fibonacci(n):
    if n < 2:
        return n
    return fibonacci(n - 1) + fibonacci(n - 2)


def loops():
    total = 0
    for i in range(400000):
        total += i  # bench: condition breakpoint
    return total


def calls():
    return fibonacci(25)


def returning():
    first = 1  # bench: return breakpoint
    return fibonacci(25) + first


def main(kind):
    work = {
        'calls': calls,
        'loops': loops,
        'return': returning,
        'condition': loops,
    }[kind]
    ready = True  # bench: step breakpoint
    timing.report(work)
    return ready


main(sys.argv[1])
