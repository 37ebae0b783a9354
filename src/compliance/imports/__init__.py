"""Facts from the platform's exports: ``compliance import`` reads the 12345 platform's work-order
exports (xlsx, or CSV in UTF-8, UTF-8 with BOM, GBK or GB18030), picks out the rows that are
events of the contract's types through the conditions of a per-contract mapping file
(``imports/<contract>.yaml``, written in the formula language of ``model/formula.py``), and
writes them into the month's facts file, each with the file, sheet, row and 工单编号 it came
from (issue 17).

reading     the file as UTF-8 CSV records, numbered as a spreadsheet numbers its rows
mapping     the mapping file: which column holds what, and the condition of each event type
rows        the header row under merged title rows; totals rows, blank lines, full-width digits
aggregate   DuckDB: every row read, classified and judged in one pass; the rows grouped
conditions  a simple condition as SQL, decided by DuckDB as it reads the rows
events      the other conditions worked out once per distinct value; events from the rows
ledger      what earlier imports of the month read: nothing twice, every change shown
writing     the month's facts file, its imported block rewritten, checked, written atomically
report      what the import did, in the clerk's words
command     the ``compliance import`` command
"""
