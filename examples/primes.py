"""A small program to try qdb on: `qdb-cli run examples/primes.py 30`."""
import sys


def is_prime(n):
    if n < 2:
        return False
    for divisor in range(2, int(n ** 0.5) + 1):
        if n % divisor == 0:
            return False
    return True


def primes_up_to(limit):
    found = []
    for candidate in range(limit + 1):
        if is_prime(candidate):
            found.append(candidate)
    return found


if __name__ == '__main__':
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    print('primes up to', limit, ':', primes_up_to(limit))
