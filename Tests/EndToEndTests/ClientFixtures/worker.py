import threading


def work():
    x = 1
    return x


worker = threading.Thread(target=work, name='worker')
worker.start()
worker.join()
