"""Creator import: a CSV or XLSX file in, creators and their social accounts out.

The steps, and where each lives:

1. upload (`services.import_upload`): the file is checked (size, type, encoding, a header
   row) and kept on a `CreatorImport` row;
2. mapping (`selectors.import_mapping_initial`, `selectors.import_preview`,
   `services.import_start`): each column header is mapped to a target field
   (`fields.py`), pre-filled from the organization's remembered choices and from obvious
   header names; the first rows are shown as they will be imported;
3. run (`tasks.import_creators_task` -> `services.import_run`): the file is read again
   (`reading.py`) and every row validated (`rows.py`) in a thread that stays a batch or
   two ahead (`batches.py`), while each batch is written (`writing.py`) in one
   transaction that also moves the progress counters;
4. results: counters, the row errors, and the errors as CSV (`exports.py`).

The rules a person needs (one row = one creator + one account, what a duplicate is, the
cell conventions) are on the upload page, from `fields.CONVENTIONS`.
"""
