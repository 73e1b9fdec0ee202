import sys

print('argv', sys.argv)
print('path0', sys.path[0])
print('main', __name__, __package__, __spec__.name)
