"""Importing an enterprise list (名单): `import_enterprises` checks and writes it."""

from liaisonbot.services.enterprise_import.importer import (
    Change,
    ImportResult,
    import_enterprises,
    import_summary_for_chat,
)
from liaisonbot.services.enterprise_import.row_error import RowError
from liaisonbot.services.enterprise_import.validate import EnterpriseRow, parse_row

__all__ = [
    "Change",
    "EnterpriseRow",
    "ImportResult",
    "RowError",
    "import_enterprises",
    "import_summary_for_chat",
    "parse_row",
]
