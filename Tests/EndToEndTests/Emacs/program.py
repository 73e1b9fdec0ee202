def square(n):
    result = n * n
    return result


def main():
    total = 0
    for n in range(3):
        total += square(n)
    print('total', total)


main()
