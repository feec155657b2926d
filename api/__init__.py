"""The service: finance officers submit project lists and get portfolios over HTTP.

The modules are layers, highest first; a module imports only from layers below its own (modules of
one layer do not import one another), and any layer may use `optimizer` and `models`:

1. entry points: `__main__` (the command line), `main` (the ASGI app), `worker` (the old path of
   `jobs.worker`, for one release);
2. `routes`: one router per resource; a route never imports another;
3. `deps` (the request dependencies), `data` (what the routes share: the caller's resources, lists
   stored, runs queued, results read back) and `jobs.worker` (the loop of a worker process);
4. `jobs.supervisor`: one claimed run, its solve process watched against deadlines, cancel and lease;
5. `jobs.solve`: the solve process itself;
6. `uploads`, `idempotency`, `auth`, `analysis`, `jobs.queue` (the queue's SQL), `jobs.protocol` (what
   the solve process tells its worker);
7. `schemas` (request and response bodies), `db` (tables, engine, sessions);
8. `jobs.states` (`RunState`), `problems` (RFC 9457 errors), `settings`: they import nothing of `api`.

`jobs` is a folder, not one layer: its modules are placed one by one above (its `__init__` imports
nothing), so that `jobs.states` can sit under `db`, which stores a run's state. `migrations` (Alembic's)
uses `db` and `settings` only.
"""
