"""Call-heavy: recursion and small methods."""
import other  # noqa: F401
import timing


class Vector(object):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def add(self, other):
        return Vector(self.x + other.x, self.y + other.y)

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
