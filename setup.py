"""The `_qdb` extension module for `pip install .` (see pyproject.toml):
built by the Swift toolchain for the interpreter running pip."""
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


class SwiftExtension(build_ext):
    """Runs `swift build` for the tracer instead of a C compiler."""

    def build_extension(self, extension):
        swift = shutil.which(os.environ.get('SWIFT', 'swift'))
        if swift is None:
            sys.exit('qdb: building the tracer needs the Swift toolchain '
                     '(Swift 6: swift.org/install), and no swift is on PATH')
        # One build folder per interpreter version, as the Makefile's, so
        # that `make` and pip share the work.
        scratch = os.path.join(
            ROOT, '.build-ext-py%d.%d' % sys.version_info[:2])
        subprocess.check_call(
            [swift, 'build', '-c', 'release', '--product', '_qdb',
             '-Xswiftc', '-static-stdlib', '--scratch-path', scratch],
            cwd=ROOT, env=dict(os.environ, QDB_PYTHON=sys.executable))
        target = self.get_ext_fullpath(extension.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(
            os.path.join(scratch, 'release', 'lib_qdb.so'), target)


setup(
    ext_modules=[Extension('qdb._qdb', sources=[])],
    cmdclass={'build_ext': SwiftExtension},
)
