"""Jobs: long work (opening a campaign, publishing a group, a large workbook, the imports,
e-mail) run by the worker, out of the request that asked for it.

`kinds` holds the registry each stage adds its job kinds to; `runner` records, claims, runs and
retries jobs (their rows are the truth: see server.models.jobs); `queue` carries "run job N" to
the worker through Huey (SQLite file under the instance folder, or Redis) and starts the worker.
Comes right after the models, so every later stage may define a job kind.
"""
