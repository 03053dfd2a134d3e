"""papermill parameters for TypeScript notebooks run by the tslab kernel.

``papermill nb.ipynb out.ipynb -p epochs 20 -p seeds '[7]'`` injects, after the cell tagged
``parameters``, a cell of ``const`` declarations (tslab lets a later cell declare the same ``const``
again, and later cells see the new value)::

    // Parameters
    const epochs = 20;
    const seeds = [7];

The translator is registered for the language ``typescript`` and the kernel ``tslab`` as soon as
papermill is imported (see ``engine.py`` for how).
"""

# papermill first: importing it loads this package's engine entry point, which registers the
# translator. Importing papermill before anything below keeps that order whichever module of this
# package is imported first (otherwise the entry point would find this package half-initialised).
import papermill  # noqa: F401

from .translator import TypeScriptTranslator, register  # noqa: E402

__all__ = ["TypeScriptTranslator", "register"]
__version__ = "0.1.0"
