"""Queue workers: the tasks (thin entry points over the services, like ``cli`` and ``web``) and the
consumer ``backcoach worker`` runs. The same task code runs on the SQLite queue and on Redis."""
