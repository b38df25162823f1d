"""The stacks of the project.

Importing any of them loads the AWS provider bindings the fast way first
(modules/provider_import.py). Left to Python, the first
`from cdktf_cdktf_provider_aws.<resource> import ...` would run the package's
own `__init__.py`, which loads every resource type: about 23 s and 4,000
modules more, with nothing to say why.
"""

from modules.provider_import import import_provider_package

import_provider_package()
