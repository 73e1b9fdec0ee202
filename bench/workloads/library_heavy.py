"""Library-heavy: pure-Python standard library work."""
import difflib
import fractions
import pprint
import textwrap

import other
import timing

# The other file's breakpoint is in this function, which never runs.
OTHER_FILE_TARGET = other.never_called

TEXT = ' '.join('word%d' % (i % 97) for i in range(6000))


def compare(a, b):
    if a is None:
        return -1  # bench: hot-function breakpoint
    return difflib.SequenceMatcher(None, a, b).ratio()


def never_called():
    return 'unreachable'  # bench: same-file breakpoint


def work():
    lines = textwrap.wrap(TEXT, 60)
    compare(lines[:300], lines[5:305])
    total = fractions.Fraction(0)
    for i in range(1, 2500):
        total += fractions.Fraction(1, i)
    return len(pprint.pformat({'lines': lines[:200], 'total': total}))


timing.report(work)
