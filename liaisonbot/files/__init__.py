"""Files in and out: enterprise lists read (list_reader, list_headers) and written
(enterprise_workbook), and the ledger (问题台账) written (ledger)."""

from liaisonbot.files.enterprise_workbook import export_enterprises
from liaisonbot.files.ledger import export_ledger

__all__ = ["export_enterprises", "export_ledger"]
