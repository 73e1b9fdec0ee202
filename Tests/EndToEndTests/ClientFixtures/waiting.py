import os
import signal
import sys
import time


def wait(seconds):
    time.sleep(seconds)


signal.signal(signal.SIGUSR2, lambda *_: print('usr2', flush=True))
stop_file = sys.argv[1]
print('ready', flush=True)
rounds = 0
while not os.path.exists(stop_file):
    rounds += 1
    wait(0.02)
print('done after', rounds > 0, flush=True)
sys.exit(3)
