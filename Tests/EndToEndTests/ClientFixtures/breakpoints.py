def square(n):
    result = n * n
    return result


def main():
    total = 0
    for i in range(5):
        # accumulate
        total += square(i)
    print('total', total)


main()
print('done')
