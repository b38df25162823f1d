"""Puts each stack's Terraform state where its config says."""

from __future__ import annotations

import os
from pathlib import Path

from cdktf import (
    LocalBackend,
    S3Backend,
    S3BackendAssumeRoleConfig,
    S3BackendEndpointConfig,
    TerraformStack,
)

from config.models import BackendConfig, S3BackendConfig
from project import PROJECT_ROOT


def add_state_backend(
    stack: TerraformStack,
    backend: BackendConfig,
    outdir: Path,
    *,
    local_state_file: str,
    emulator_endpoint: str | None = None,
) -> None:
    """`local_state_file` is where a local backend without a path keeps the state."""
    if isinstance(backend, S3BackendConfig):
        _add_s3_backend(stack, backend, emulator_endpoint)
    else:
        _add_local_backend(stack, backend.path or local_state_file, outdir)


def _add_s3_backend(
    stack: TerraformStack, backend: S3BackendConfig, emulator_endpoint: str | None
) -> None:
    # Set as backend arguments, not overrides: cdktf copies the arguments into the
    # terraform_remote_state that other stacks read this state through.
    S3Backend(
        stack,
        bucket=backend.bucket,
        key=backend.key,
        region=backend.region,
        encrypt=backend.encrypt,
        dynamodb_table=backend.dynamodb_table,
        assume_role=S3BackendAssumeRoleConfig(role_arn=backend.role_arn)
        if backend.role_arn
        else None,
        **(_backend_arguments_for_emulator(emulator_endpoint) if emulator_endpoint else {}),
    )
    # cdktf 0.21's S3Backend predates Terraform's S3-native locking (use_lockfile).
    stack.add_override("terraform.backend.s3.use_lockfile", backend.use_lockfile)


def _backend_arguments_for_emulator(url: str) -> dict:
    """Keeps the state in an AWS API emulator's S3 (local runs and tests only)."""
    return {
        "endpoints": S3BackendEndpointConfig(s3=url, sts=url, iam=url, dynamodb=url),
        "use_path_style": True,
        "skip_credentials_validation": True,
        "skip_metadata_api_check": True,
    }


def _add_local_backend(stack: TerraformStack, path: str, outdir: Path) -> None:
    # cdktf's default is an absolute path, which would differ per machine and leak
    # into snapshots; a path relative to the stack's working directory does not.
    state_file = PROJECT_ROOT / path
    working_dir = (PROJECT_ROOT / outdir / "stacks" / stack.node.id).resolve()
    LocalBackend(stack, path=os.path.relpath(state_file, working_dir))
