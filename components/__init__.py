"""The components the stacks are composed of, one folder each.

Importing any of them loads the AWS provider bindings the fast way first
(synth/provider_import.py). Left to Python, the first
`from cdktf_cdktf_provider_aws.<resource> import ...` would run the package's
own `__init__.py`, which loads every resource type: about 23 s and 4,000
modules more, with nothing to say why. tests/test_import_boundaries.py checks
that no module outside components/ and synth/policy_checks/ imports the
provider package, so this is the only door in.
"""

from synth.provider_import import import_provider_package

import_provider_package()
