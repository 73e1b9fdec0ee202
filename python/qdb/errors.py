"""The exceptions qdb raises in the debugged program."""
from bdb import BdbQuit


class QdbError(Exception):
    """Base class of every qdb error."""

    def __str__(self):
        return 'error in qdb'


class QdbQuit(QdbError, BdbQuit):
    """Raised in the program by a hard disable."""

    def __str__(self):
        return 'Quitting'


class QdbFailedToConnect(QdbError):
    """The server could not be reached."""

    def __init__(self, address=None, retry_attempts=0):
        super().__init__(address, retry_attempts)
        self.address = address
        self.retry_attempts = retry_attempts

    def __str__(self):
        return 'Failed to connect to %s after %d retries.' % (
            self.address, self.retry_attempts)


class QdbUnreachableBreakpoint(QdbError):
    """A breakpoint on a line the file does not have."""

    def __init__(self, breakpoint=None):
        super().__init__(breakpoint)
        self.breakpoint = breakpoint

    def __str__(self):
        return 'Failed to set breakpoint: %s' % (self.breakpoint,)


class QdbTopFrame(QdbError):
    def __str__(self):
        return 'Already in the top frame'


class QdbBreakpointReadError(QdbError):
    """A breakpoint payload without a file or a line."""

    def __init__(self, data=None):
        super().__init__(data)
        self.data = data

    def __str__(self):
        return 'Could not read Breakpoint from %s' % (self.data,)


class QdbReceivedInvalidLength(QdbError):
    def __init__(self, length=None):
        super().__init__(length)
        self.length = length

    def __str__(self):
        return str(self.length)


class QdbCommunicationError(QdbError):
    """The link to the server broke."""

    def __init__(self, exception=None):
        super().__init__(exception)
        self.exception = exception

    def __str__(self):
        return str(self.exception)


class QdbInvalidRoute(QdbError):
    def __init__(self, route=None):
        super().__init__(route)
        self.route = route

    def __str__(self):
        return str(self.route)


class QdbAuthenticationError(QdbError):
    """The server refused the tracer's auth message."""

    def __init__(self, message='Authentication failed'):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


class QdbPrognEndsInStatement(QdbError):
    def __init__(self, src=None):
        super().__init__(src)
        self.src = src

    def __str__(self):
        return ('Cannot call progn with src="%s" as this ends in a statement.'
                % self.src)


class QdbExecutionTimeout(QdbError):
    """User code run by the debugger took longer than execution_timeout.

    The arguments are optional because the tracer raises the class itself
    (asynchronously) and fills them in when it reports the error.
    """

    def __init__(self, src=None, time=None):
        super().__init__(src, time)
        self.src = src
        self.time = time

    def __str__(self):
        if self.src is None:
            return 'Execution timed out'
        return "Executing '%s' exceeded the max time of %g second%s" % (
            self.src, self.time, '' if self.time == 1 else 's')
