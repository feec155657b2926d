"""The job system: runs queued in the database, claimed by worker processes, solved in killable children.

- `states`: the run's states (`RunState`), the vocabulary of the whole service (below `api.db`);
- `queue`: the queue's SQL: claiming with a lease, renewing it, writing a run's end, cancelling;
- `protocol`: the messages the solve process sends to its worker;
- `solve`: the solve process itself (read, solve, analyse, report);
- `supervisor`: one claimed run: its solve process watched against deadlines, cancel and the lease;
- `worker`: the loop that claims runs one after another, and the worker processes.

Nothing is imported here, so that `api.jobs.states` can be imported from the lowest layers.
"""
