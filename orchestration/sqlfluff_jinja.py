"""sqlfluff's jinja templater, each Jinja source compiled once per process (`make lint`).

sqlfluff renders every model file in a new Jinja environment, and compiles the project's
macro files (dbt_project/macros) again for each: about 40 % of `make lint`. What Jinja's
compilation produces depends only on the source and on the environment's settings, the
same for every file of one lint (pyproject, [tool.sqlfluff.templater.jinja_une_fois]):
the compiled code is kept by source and reused. Rendering, and everything sqlfluff
checks, stays per file. Registered as a sqlfluff plugin (pyproject, entry point
`sqlfluff`).
"""

from __future__ import annotations

from jinja2.sandbox import SandboxedEnvironment
from sqlfluff.core.plugin import hookimpl
from sqlfluff.core.templaters.jinja import JinjaTemplater


class _CompilationUneFois(SandboxedEnvironment):
    """sqlfluff's environment, with Jinja's compile() memoized for the process."""

    _codes: dict = {}

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        cle = (source, name, filename, raw, defer_init, tuple(sorted(self.extensions)))
        if cle not in self._codes:
            self._codes[cle] = super().compile(source, name, filename, raw, defer_init)
        return self._codes[cle]


class JinjaUneFois(JinjaTemplater):
    """The jinja templater; its environments compile each source once (see above)."""

    name = "jinja_une_fois"

    def _get_jinja_env(self, config=None):
        env = super()._get_jinja_env(config)
        # sqlfluff builds a SandboxedEnvironment; the subclass only adds the memo
        env.__class__ = _CompilationUneFois
        return env


@hookimpl
def get_templaters():
    return [JinjaUneFois]
