"""The year's records, kept from `records_open` before the self-assessment opens: PAR plans with
their amendments and tasks (plans, tasks, task_table, task_progress), the periodic reports with
their schedule, appendix templates and roll-up (schedule, appendices, reports, rollup), and the
figures these records propose for the index's record-fed items (feeds)."""
