"""``python -m qdb.server``: run the qdb-server executable."""
import sys

from qdb.server import main

if __name__ == '__main__':
    sys.exit(main())
