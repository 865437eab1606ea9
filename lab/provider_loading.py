"""Import only the provider resource modules the app uses.

Why this exists: each prebuilt provider package (``cdktn_provider_aws``,
``cdktn_provider_azurerm``) has an ``__init__`` that imports every one of its
~2,200 / ~1,500 resource modules. That import is almost all of a synth's wall time
(10-13 s for aws, 6-9 s for azurerm on a 2-core machine); the synth itself takes
milliseconds.

How: before anything imports a provider package, :func:`install` puts an
*unexecuted* module object for the package into ``sys.modules``. It carries the
package's real ``__spec__`` and ``__path__``, so ``from cdktn_provider_aws.vpc
import Vpc`` still finds and runs ``vpc/__init__.py`` (which loads the jsii assembly
through ``.._jsii``), but the package ``__init__`` and its thousands of imports never
run. Code keeps writing ordinary imports of the submodules it needs.

Set ``LAB_PROVIDER_IMPORT=full`` to restore normal imports (a test proves both paths
synthesize byte-identical output).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Final

ENV_VAR: Final = "LAB_PROVIDER_IMPORT"
PROVIDER_PACKAGES: Final = (
    "cdktn_provider_aws",
    "cdktn_provider_azurerm",
    "cdktn_provider_kubernetes",
)


def check_environment() -> None:
    """Raise ValueError when :data:`ENV_VAR` holds something other than the two modes."""
    mode = os.environ.get(ENV_VAR, "lazy")
    if mode not in ("lazy", "full"):
        raise ValueError(f"{ENV_VAR} must be 'lazy' (the default) or 'full', not {mode!r}")


def install() -> None:
    """Register the provider packages as unexecuted namespaces, unless told not to.

    Idempotent; a package that is already imported (or not installed) is left alone. An
    unknown mode installs nothing here: importing must not fail, and the commands that
    load providers refuse it with :func:`check_environment`.
    """
    if os.environ.get(ENV_VAR, "lazy") != "lazy":
        return
    for name in PROVIDER_PACKAGES:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.submodule_search_locations is None:
            continue
        # module_from_spec sets __spec__, __path__, __file__ and __loader__ but does
        # not execute the module: exactly the package minus its __init__ body.
        sys.modules[name] = importlib.util.module_from_spec(spec)


def loaded_providers() -> frozenset[str]:
    """The provider packages whose jsii assembly this process has loaded."""
    return frozenset(name for name in PROVIDER_PACKAGES if f"{name}._jsii" in sys.modules)
