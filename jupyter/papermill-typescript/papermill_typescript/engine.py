"""How papermill finds the TypeScript translator.

papermill (2.7.0 and earlier) registers its translators in ``papermill/translators.py`` by hand
(``papermill_translators.register("python", PythonTranslator)`` ...) and reads no entry-point group
for them. It does read one for engines, at import time: the last line of ``papermill/engines.py`` is
``papermill_engines.register_entry_points()``, which loads every ``papermill.engine`` entry point
(``entrypoints.get_group_all("papermill.engine")``), and ``papermill/__init__.py`` imports
``papermill.execute``, which imports ``papermill.engines``. So every use of papermill (the command,
``papermill.execute_notebook``, ``papermill.inspect_notebook``, even ``import papermill.translators``)
loads this module, and loading it registers the translator. That is a supported plugin hook used for
a side effect, rather than a ``.pth`` file that would run at every start of the environment's Python.

The engine itself is papermill's default one (nbclient) under the name ``typescript``, so that
``--engine typescript`` means what it says and the entry point loads something papermill can use.
"""

from papermill.engines import NBClientEngine

from .translator import register

register()


class TypeScriptEngine(NBClientEngine):
    """papermill's default engine (nbclient); its entry point exists to register the translator."""
