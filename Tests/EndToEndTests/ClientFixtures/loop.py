import time
count = 0
running = True
while running:
    count += 1
    time.sleep(0.01)
print('stopped after', count > 0)
