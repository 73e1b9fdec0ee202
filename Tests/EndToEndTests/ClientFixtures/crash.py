def divide(a, b):
    return a / b


def main():
    values = [1, 0]
    return divide(*values)


main()
