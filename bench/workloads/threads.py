"""Threads: four workers share call- and loop-heavy work, so the fast path
has to cover threads the debugger never stopped in."""
import threading

import other
import timing

# The other file's breakpoint is in this function, which never runs.
OTHER_FILE_TARGET = other.never_called


def fibonacci(n):
    if n < 0:
        return -1  # bench: hot-function breakpoint
    if n < 2:
        return n
    return fibonacci(n - 1) + fibonacci(n - 2)


def never_called():
    return 'unreachable'  # bench: same-file breakpoint


def worker(results, index):
    total = 0
    for i in range(200000):
        total += i % 7
    results[index] = fibonacci(23) + total


def work():
    results = [None] * 4
    workers = [threading.Thread(target=worker, args=(results, index))
               for index in range(4)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return results


timing.report(work)
