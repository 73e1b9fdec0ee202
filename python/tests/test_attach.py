"""The program's side of `qdb-cli attach --pid` (qdb._attach), with no
server (runs under qdb-python, where the tracer is built in)."""
import os
import socket
import tempfile
import unittest

from qdb import _attach


class AttachTest(unittest.TestCase):
    def test_a_server_that_is_not_there_is_reported(self):
        with socket.socket() as probe:
            probe.bind(('127.0.0.1', 0))
            port = probe.getsockname()[1]
        with tempfile.TemporaryDirectory() as folder:
            result = os.path.join(folder, 'result')
            _attach.start(result, host='127.0.0.1', port=port, uuid='u',
                          auth_msg='t', retry_attempts=1)
            with open(result) as file:
                self.assertRegex(file.read(), r'^QdbFailedToConnect: .+')

    def test_the_scripts_frames_are_told_apart(self):
        folder = '/tmp/qdb-attach-x'
        runner = compile("exec(open('%s/attach.py').read())" % folder,
                         '<string>', 'exec')
        script = compile('x = 1', folder + '/attach.py', 'exec')
        program = compile('x = 1', '<string>', 'exec')
        self.assertTrue(_attach._is_injected(runner, folder))
        self.assertTrue(_attach._is_injected(script, folder))
        self.assertFalse(_attach._is_injected(program, folder))


if __name__ == '__main__':
    unittest.main()
