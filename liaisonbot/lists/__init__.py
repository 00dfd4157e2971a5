"""Enterprise lists (名单): import officials' lists; export lists and the ledger (台账)."""

from .export import export_enterprises, export_ledger
from .importer import Change, ImportResult, import_enterprises, import_summary_for_chat
from .reader import ListFileError, open_list, read_list
from .validate import EnterpriseRow, RowError, parse_row

__all__ = [
    "Change",
    "EnterpriseRow",
    "ImportResult",
    "ListFileError",
    "RowError",
    "export_enterprises",
    "export_ledger",
    "import_enterprises",
    "import_summary_for_chat",
    "open_list",
    "parse_row",
    "read_list",
]
