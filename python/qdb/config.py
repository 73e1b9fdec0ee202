"""QdbConfig: the tracer's options, from defaults, `.qdb` files and
keyword arguments."""
import os
from collections import namedtuple

DEFAULT_OPTIONS = {
    'host': 'localhost',
    'port': 8001,
    'auth_msg': '',
    'default_file': None,
    'default_namespace': None,
    'eval_fn': None,
    'exception_serializer': None,
    'skip_fn': None,
    'pause_signal': None,
    'redirect_output': True,
    'retry_attempts': 10,
    'uuid': 'qdb',
    'cmd_manager': None,
    'green': False,
    'repr_fn': None,
    'log_file': None,
    'execution_timeout': None,
    'stop_all_threads': False,
    'post_mortem': False,
}

# The original spelled it this way; both are accepted.
ALIASES = {'retry_attepts': 'retry_attempts'}


class QdbConfig(namedtuple('QdbConfig', sorted(DEFAULT_OPTIONS))):
    """The options of a qdb session (see README.md for each).

    `.qdb` files are Python source that assign `config = QdbConfig(...)`;
    `~/.qdb` is read first, then `./.qdb`. Options given in a later file,
    and then keyword arguments, override earlier ones.
    """
    filename = '.qdb'

    def __new__(cls, **kwargs):
        for alias, name in ALIASES.items():
            if alias in kwargs:
                kwargs[name] = kwargs.pop(alias)
        extra = sorted(set(kwargs) - set(DEFAULT_OPTIONS))
        if extra:
            raise TypeError('QdbConfig received extra args: %s' % extra)
        values = dict(DEFAULT_OPTIONS, **kwargs)
        return super().__new__(cls, **values)

    @classmethod
    def get_profile(cls):
        return os.path.join(os.path.expanduser('~'), cls.filename)

    @classmethod
    def get_local(cls):
        return os.path.join(os.getcwd(), cls.filename)

    @staticmethod
    def read_from_file(path):
        """The config a `.qdb` file assigns, or None."""
        try:
            with open(path) as f:
                source = f.read()
        except OSError:
            return None
        namespace = {}
        exec(compile(source, path, 'exec'), {'QdbConfig': QdbConfig},
             namespace)
        return namespace.get('config')

    @classmethod
    def get_config(cls, config=None, files=None, use_local=True,
                   use_profile=True):
        """A QdbConfig as is; a dict of options laid over the `.qdb` files
        (profile, local, then `files`) laid over the defaults."""
        if isinstance(config, cls):
            return config
        paths = []
        if use_profile:
            paths.append(cls.get_profile())
        if use_local:
            paths.append(cls.get_local())
        paths.extend(files or ())
        merged = cls()
        for path in paths:
            merged = merged.merge(cls.read_from_file(path))
        return merged.merge(cls(**(config or {})))

    def merge(self, *configs):
        """This config with the options each of `configs` sets (those that
        differ from the defaults) laid over it in order."""
        values = self._asdict()
        for config in configs:
            if config is None:
                continue
            for name, value in config._asdict().items():
                if value != DEFAULT_OPTIONS[name]:
                    values[name] = value
        return type(self)(**values)
