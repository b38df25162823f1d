from modules.member_template.builder import (
    LOG_ARCHIVE_ACCOUNT_ID,
    LOG_ARCHIVE_BUCKET_NAME,
    LOG_ARCHIVE_KEY_ID,
    build_member_template,
    config_parameter_values,
    render_template,
)

__all__ = [
    "LOG_ARCHIVE_ACCOUNT_ID",
    "LOG_ARCHIVE_BUCKET_NAME",
    "LOG_ARCHIVE_KEY_ID",
    "build_member_template",
    "config_parameter_values",
    "render_template",
]
