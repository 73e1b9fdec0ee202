def greet(name):
    greeting = 'hello ' + name
    return greeting


def main():
    words = greet('world').split()
    print(len(words))


main()
