"""The Qdb singleton and its context manager, with no server (runs under
qdb-python, where the tracer is built in)."""
import sys
import unittest

import qdb
from qdb import NopCommandManager, Qdb, QdbConfig


class QdbTest(unittest.TestCase):
    def tearDown(self):
        qdb.disable()

    def test_qdb_is_a_singleton_until_disabled(self):
        first = Qdb(cmd_manager=NopCommandManager())
        self.assertIs(Qdb(port=1), first)
        first.disable()
        self.assertIsNot(Qdb(cmd_manager=NopCommandManager()), first)

    def test_config_and_keywords_cannot_be_mixed(self):
        with self.assertRaises(TypeError):
            Qdb(config=QdbConfig(), port=1)

    def test_a_bad_disable_mode_is_a_value_error(self):
        with self.assertRaises(ValueError):
            Qdb(cmd_manager=NopCommandManager()).disable('medium')

    def test_the_context_manager_disables_at_the_end(self):
        with Qdb(cmd_manager=NopCommandManager()) as debugger:
            total = sum(range(10))
        self.assertEqual(total, 45)
        self.assertIsNot(Qdb(cmd_manager=NopCommandManager()), debugger)

    def test_output_is_left_alone_without_a_server(self):
        stdout = sys.stdout
        Qdb(cmd_manager=NopCommandManager())
        self.assertIs(sys.stdout, stdout)

    def test_custom_command_managers_are_refused(self):
        class Mine(object):
            pass

        with self.assertRaises(TypeError):
            Qdb(cmd_manager=Mine())


if __name__ == '__main__':
    unittest.main()
