"""Import and export: JSON lines and CSV (transfer), Moodle XML and QTI 2.1 (moodle_qti), the rows
every format reads (import_rows); handlers -> service, which writes through the items' repository."""
