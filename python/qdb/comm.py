"""Command managers: where the tracer's commands come from.

The Swift tracer does the work; these classes only choose the channel, and
exist so that code written for the original qdb keeps working.
"""


class CommandManager(object):
    """The base of the command managers."""
    transport = None


class RemoteCommandManager(CommandManager):
    """Commands come from clients through the qdb server (the default)."""
    transport = 'remote'


class ServerLocalCommandManager(RemoteCommandManager):
    """As RemoteCommandManager, for a tracer on the server's machine: the
    server pauses the program with its pause signal."""
    transport = 'local'


class NopCommandManager(CommandManager):
    """Nobody drives the debugger: stops return at once."""
    transport = 'nop'


class TerminalCommandManager(CommandManager):
    """Debug in this terminal, with no server, like pdb."""
    transport = 'terminal'


def transport_of(cmd_manager):
    """The channel name for a command manager (class or instance)."""
    if cmd_manager is None:
        return RemoteCommandManager.transport
    transport = getattr(cmd_manager, 'transport', None)
    if transport is None:
        raise TypeError(
            'cmd_manager must be one of qdb\'s command managers, not %r'
            % (cmd_manager,))
    return transport
