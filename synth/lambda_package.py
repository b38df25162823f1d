"""A Lambda deployment package written next to the stack's Terraform JSON, byte for byte reproducible.

cdktf's TerraformAsset zips with the files' modification times, so every
checkout would build a different zip, and the AWS provider (5.x), which reads
`source_code_hash` back from the function's CodeSha256, would plan a code
update on each. This zip has fixed timestamps and permissions instead: the
same source always gives the same bytes and the same hash.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from pathlib import Path

from cdktf import App, TerraformStack
from constructs import Construct

# The earliest time a zip entry can carry.
_FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
_READABLE_FILE = 0o100644 << 16


def reproducible_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            entry = zipfile.ZipInfo(name, date_time=_FIXED_TIMESTAMP)
            entry.external_attr = _READABLE_FILE
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, files[name])
    return buffer.getvalue()


class LambdaPackage(Construct):
    """One Python module as a deployment package; `handler` is `<module>.handler`."""

    def __init__(self, scope: Construct, id: str, *, module_file: Path) -> None:
        super().__init__(scope, id)
        package = reproducible_zip({module_file.name: module_file.read_bytes()})
        stack = TerraformStack.of(self)
        file_name = f"{module_file.stem}.zip"
        # cdktf runs Terraform in stacks/<stack id> below the app's output folder.
        stack_folder = Path(App.of(self).outdir) / "stacks" / stack.node.id
        stack_folder.mkdir(parents=True, exist_ok=True)
        (stack_folder / file_name).write_bytes(package)
        self.filename: str = f"${{path.module}}/{file_name}"
        self.source_code_hash: str = base64.b64encode(hashlib.sha256(package).digest()).decode()
        self.handler: str = f"{module_file.stem}.handler"
