"""Call-heavy: recursion and small methods."""
import other
import timing

# The other file's breakpoint is in this function, which never runs.
OTHER_FILE_TARGET = other.never_called


class Vector(object):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def add(self, vector):
        return Vector(self.x + vector.x, self.y + vector.y)

    def length_squared(self):
        return self.x * self.x + self.y * self.y


def fibonacci(n):
    if n < 0:
        return -1  # bench: hot-function breakpoint
    if n < 2:
        return n
    return fibonacci(n - 1) + fibonacci(n - 2)


def never_called():
    return 'unreachable'  # bench: same-file breakpoint


def work():
    fibonacci(24)
    total = Vector(0, 0)
    for i in range(150000):
        total = total.add(Vector(i, 1))
    return total.length_squared()


timing.report(work)
