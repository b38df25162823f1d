"""The access indexer's runtime module, for the tools that read what it writes.

make verify and make audit read the index by the names and formats the
indexer defines (components/access_index/runtime/access_indexer.py). The
module is loaded from its file: importing it through the `components`
package would first load the AWS provider bindings and start jsii's Node
process (components/__init__.py), which neither command needs.
"""

from __future__ import annotations

import importlib.util
import sys

from project import PROJECT_ROOT

_NAME = "central_session_logs_access_indexer"
_FILE = PROJECT_ROOT / "components" / "access_index" / "runtime" / "access_indexer.py"


def _load():
    if _NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(_NAME, _FILE)
        module = importlib.util.module_from_spec(spec)
        sys.modules[_NAME] = module
        spec.loader.exec_module(module)
    return sys.modules[_NAME]


access_indexer = _load()
