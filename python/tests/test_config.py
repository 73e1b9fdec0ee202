"""QdbConfig: defaults, .qdb files and overrides."""
import os
import tempfile
import unittest
from unittest import mock

from qdb.config import DEFAULT_OPTIONS, QdbConfig


class QdbConfigTest(unittest.TestCase):
    def setUp(self):
        self.home = tempfile.TemporaryDirectory()
        self.work = tempfile.TemporaryDirectory()
        self.addCleanup(self.home.cleanup)
        self.addCleanup(self.work.cleanup)
        patcher = mock.patch.dict(os.environ, {'HOME': self.home.name})
        patcher.start()
        self.addCleanup(patcher.stop)
        cwd = os.getcwd()
        os.chdir(self.work.name)
        self.addCleanup(os.chdir, cwd)

    def write(self, directory, text):
        with open(os.path.join(directory, '.qdb'), 'w') as f:
            f.write(text)

    def test_defaults_are_the_originals(self):
        config = QdbConfig()
        self.assertEqual(config._asdict(), DEFAULT_OPTIONS)
        self.assertEqual((config.host, config.port, config.uuid),
                         ('localhost', 8001, 'qdb'))

    def test_unknown_options_are_refused(self):
        with self.assertRaises(TypeError) as raised:
            QdbConfig(extra=1)
        self.assertEqual(str(raised.exception),
                         "QdbConfig received extra args: ['extra']")

    def test_the_original_spelling_of_retry_attempts_is_accepted(self):
        self.assertEqual(QdbConfig(retry_attepts=3).retry_attempts, 3)

    def test_files_are_read_home_then_working_directory(self):
        self.write(self.home.name,
                   "config = QdbConfig(port=9001, uuid='from-home')")
        self.write(self.work.name, "config = QdbConfig(uuid='from-cwd')")
        config = QdbConfig.get_config()
        self.assertEqual(config.port, 9001)
        self.assertEqual(config.uuid, 'from-cwd')

    def test_keyword_options_override_the_files(self):
        self.write(self.work.name, "config = QdbConfig(port=9001)")
        config = QdbConfig.get_config({'host': 'example.org'})
        self.assertEqual((config.host, config.port), ('example.org', 9001))

    def test_a_config_object_is_used_as_is(self):
        self.write(self.work.name, "config = QdbConfig(port=9001)")
        given = QdbConfig(port=7000)
        self.assertIs(QdbConfig.get_config(given), given)

    def test_files_can_be_skipped_or_added(self):
        self.write(self.work.name, "config = QdbConfig(port=9001)")
        extra = os.path.join(self.home.name, 'extra.qdb')
        with open(extra, 'w') as f:
            f.write("config = QdbConfig(uuid='extra')")
        config = QdbConfig.get_config(use_local=False, files=[extra])
        self.assertEqual((config.port, config.uuid), (8001, 'extra'))


if __name__ == '__main__':
    unittest.main()
