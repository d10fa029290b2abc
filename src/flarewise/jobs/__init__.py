"""Long work (imports) queued in the database and run by worker threads of any server process.

A job is a row (:data:`flarewise.storage.tables.jobs`): the web face saves the upload in a folder
every worker can read (FLAREWISE_UPLOAD_DIR) and adds the row; whichever process claims it first
runs it, writing progress to the row, so a page served by any process shows it. A worker renews
its lease while it works; a worker that dies stops renewing, and the job goes to another worker
(imports are idempotent and transactional, so running one again is safe) or, after
:data:`MAX_ATTEMPTS`, is marked failed with a sentence. See docs/deploy.md.
"""

from flarewise.jobs.queue import MAX_ATTEMPTS, Queue, default_upload_dir

__all__ = ["MAX_ATTEMPTS", "Queue", "default_upload_dir"]
