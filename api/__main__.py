"""`python -m api serve | create-key | create-user | worker`: run the service, make API keys, invite a person
to the web app, run a worker."""

from __future__ import annotations

import argparse
import hashlib
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from api.accounts import AccountError, invite
from api.auth import create_api_key, create_organisation, get_organisation
from api.db import ROLES, ProjectListRecord, make_engine, migrate, session_factory, transaction
from api.settings import Settings

DEMO_ORGANISATION = "demo"
DEMO_ADMIN_EMAIL = "admin@demo.example"
DEMO_LIST_NAME = "Kristinehamn exempel"
DEMO_LIST = Path(__file__).resolve().parents[1] / "examples" / "kristinehamn_projects.csv"

log = logging.getLogger("api")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m api", description="Klimatportfölj service")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate the database, start the workers and the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    key = commands.add_parser("create-key", help="make an API key (and the organisation if needed)")
    key.add_argument("--org", required=True, help="organisation name")
    key.add_argument("--role", required=True, choices=ROLES)
    user = commands.add_parser(
        "create-user", help="invite a person to the web app: prints a one-time link to choose a password"
    )
    user.add_argument("--org", required=True, help="organisation name (made if needed)")
    user.add_argument("--email", required=True, help="the person's e-mail address")
    user.add_argument("--role", required=True, choices=ROLES)
    commands.add_parser("worker", help="run one job worker in the foreground")
    return parser


def create_key(settings: Settings, organisation: str, role: str) -> str:
    """Migrate, make the organisation if needed and a key for it; returns the key."""
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        with transaction(session_factory(engine)) as session:
            org, _ = create_organisation(session, organisation)
            _, plain = create_api_key(session, org.id, role)
        return plain
    finally:
        engine.dispose()


def create_user(settings: Settings, organisation: str, email: str, role: str) -> str:
    """Migrate, make the organisation if needed and an invitation; returns its link."""
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        with transaction(session_factory(engine)) as session:
            org, _ = create_organisation(session, organisation)
            _, token = invite(session, org.id, email, role)
        return invitation_link(settings, token)
    finally:
        engine.dispose()


def invitation_link(settings: Settings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/invitation/{token}"


def prepare(settings: Settings) -> tuple[str, str] | None:
    """Migrate; the first time, make the demo organisation with the example list, an admin key and an
    invitation for its admin to the web app.

    Returns the demo admin key and the invitation link when they were made now, else None.
    """
    # imported here: reading the example needs the optimizer, not the other commands
    from optimizer.io.readers import read_projects_bytes

    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        with transaction(session_factory(engine)) as session:
            if get_organisation(session, DEMO_ORGANISATION) is not None:
                return None
            org, _ = create_organisation(session, DEMO_ORGANISATION)
            key, plain = create_api_key(session, org.id, "admin")
            _, token = invite(session, org.id, DEMO_ADMIN_EMAIL, "admin")
            content = DEMO_LIST.read_bytes()
            projects = read_projects_bytes(content, file_type=".csv", source_name=DEMO_LIST.name)
            session.add(
                ProjectListRecord(
                    organisation_id=org.id,
                    name=DEMO_LIST_NAME,
                    version=1,
                    file_type=".csv",
                    content=content,
                    content_sha256=hashlib.sha256(content).hexdigest(),
                    project_count=len(projects),
                    created_by=key.id,
                )
            )
        return plain, invitation_link(settings, token)
    finally:
        engine.dispose()


def serve(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from api.main import create_app

    made = prepare(settings)
    if made is not None:
        key, link = made
        print(
            f"Made the organisation '{DEMO_ORGANISATION}' with the example list '{DEMO_LIST_NAME}'.\n"
            f"Its admin key (shown only now, keep it):\n{key}\n"
            f"Its admin's sign-in link to the web app ({DEMO_ADMIN_EMAIL}; works once, for 7 days):\n{link}",
            flush=True,
        )
    else:
        print(
            f"The admin key and sign-in link of organisation '{DEMO_ORGANISATION}' were printed at the first "
            f"start. Make new ones with: python -m api create-key --org {DEMO_ORGANISATION} --role admin, "
            f"python -m api create-user --org {DEMO_ORGANISATION} --email {DEMO_ADMIN_EMAIL} --role admin",
            flush=True,
        )
    processes = []
    if settings.workers:
        try:
            from api.jobs.worker import start_workers
        except ImportError as error:
            print(f"no workers started (api.jobs.worker is not available: {error})", file=sys.stderr)
        else:
            processes = start_workers(settings)
    print(
        f"Web app on http://{host}:{port}/ ; API on http://{host}:{port}/v1 (OpenAPI at http://{host}:{port}/docs)",
        flush=True,
    )
    # uvicorn re-raises the SIGTERM that stopped it once it has shut down; with the default handler
    # that would end this process before it stops the workers, which would be left running.
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: None)
    try:
        uvicorn.run(create_app(settings), host=host, port=port)
    finally:
        signal.signal(signal.SIGTERM, previous)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)


def worker(settings: Settings) -> None:
    try:
        from api.jobs.worker import run_worker
    except ImportError as error:
        raise SystemExit(f"api.jobs.worker is not available: {error}") from None
    run_worker(settings)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings()
    if args.command == "create-key":
        key = create_key(settings, args.org, args.role)
        print(f"Made a {args.role} key for organisation '{args.org}' (shown only now):")
        print(key)
    elif args.command == "create-user":
        try:
            link = create_user(settings, args.org, args.email, args.role)
        except AccountError as error:
            print(f"create-user: {error}", file=sys.stderr)
            return 2
        print(f"Invited {args.email} to organisation '{args.org}' as {args.role}. The link works once, for 7 days:")
        print(link)
    elif args.command == "serve":
        serve(settings, args.host, args.port)
    else:
        worker(settings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
