"""What the solve process tells its worker: the tuples on the pipe, read back as typed messages, across
a real process boundary, and what the worker makes of a message it does not expect."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from conftest import SCENARIO, Org
from sqlalchemy import Engine

from api.db import ProjectListRecord, Run, session_factory, transaction
from api.jobs import protocol
from api.jobs.protocol import (
    MSG_ANALYSED,
    MSG_ANALYSIS,
    MSG_CRASH,
    MSG_INPUT_ERROR,
    MSG_PROGRESS,
    MSG_RESULT,
    MSG_SOLVED,
    MSG_SOLVING,
    Analysed,
    AnalysisPart,
    Crash,
    Done,
    InputFailure,
    Kind,
    Progress,
    Solved,
    Solving,
    Unexpected,
)
from api.jobs.queue import claim_next
from api.jobs.states import RunState
from api.jobs.supervisor import process_context, run_job
from api.settings import Settings

RESULT = {"status": "optimal", "selected": [{"id": "A", "fraction": 1.0}], "solver": {"name": "highs"}}
LOCATED = "row 2, column cost_sek: 'x' is not a number"
LIST = b"id,name,sector,cost_sek,year,abatement_t_per_year,lifetime_years\nA,Alfa,energy,100,2026,10,10\n"
MESSAGES: list[tuple[protocol.Message, tuple[Any, ...]]] = [
    (Solving(), ("solving",)),
    (Done(RESULT), ("result", RESULT)),
    (Solved(RESULT), ("solved", RESULT)),
    (AnalysisPart({"rule_prices": []}), ("analysis", {"rule_prices": []})),
    (Analysed(), ("analysed",)),
    (Progress("uncertainty", 3, 10), ("progress", "uncertainty", 3, 10)),
    (InputFailure(LOCATED), ("input_error", LOCATED)),
    (Crash("ValueError: boom", "Traceback ..."), ("crash", "ValueError: boom", "Traceback ...")),
]


def test_the_kinds_are_the_strings_on_the_pipe() -> None:
    constants = [
        MSG_SOLVING, MSG_RESULT, MSG_SOLVED, MSG_ANALYSIS, MSG_ANALYSED, MSG_PROGRESS, MSG_INPUT_ERROR, MSG_CRASH
    ]  # fmt: skip
    assert constants == [kind.value for kind in Kind]
    assert all(type(constant) is str for constant in constants)
    assert set(protocol.MESSAGES) == set(Kind)  # every kind has its message
    assert {kind for _, (kind, *_) in MESSAGES} == set(constants)


@pytest.mark.parametrize(("message", "wire"), MESSAGES, ids=[wire[0] for _, wire in MESSAGES])
def test_a_message_is_its_tuple_and_back(message: protocol.Message, wire: tuple[Any, ...]) -> None:
    encoded = protocol.encode(message)
    assert encoded == wire and type(encoded[0]) is str
    assert protocol.decode(wire) == message
    assert protocol.decode(list(wire)) == message
    assert protocol.kind_text(message) == repr(wire[0])


@pytest.mark.parametrize(
    ("received", "kind_text"),
    [
        (("finished", RESULT), "'finished'"),  # an unknown kind
        (("result",), "'result'"),  # a known kind without its argument
        (("solving", "now"), "'solving'"),  # or with one too many
        (("progress", "uncertainty", 3), "'progress'"),
        ((), "()"),
        ((7, "x"), "7"),
        ("solving", "'solving'"),  # not a tuple
        (None, "None"),
    ],
)
def test_anything_else_is_unexpected(received: object, kind_text: str) -> None:
    message = protocol.decode(received)
    assert message == Unexpected(received)
    assert protocol.kind_text(message) == kind_text


def _send_every_message(conn: Any, payload: dict[str, Any]) -> None:
    """A solve process that sends each message of the protocol and exits."""
    for message, _ in MESSAGES:
        protocol.send(conn, message)
    conn.send((MSG_SOLVING,))  # as a solve process may write it by hand
    conn.close()


def test_messages_cross_the_process_boundary_as_they_were_sent() -> None:
    context = process_context()
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_send_every_message, args=(writer, {}), name="solve-protocol-test")
    child.start()
    writer.close()
    received = []
    try:
        while True:
            try:
                received.append(reader.recv())
            except EOFError:
                break
    finally:
        child.join(20)
        reader.close()
    assert child.exitcode == 0
    assert received == [wire for _, wire in MESSAGES] + [("solving",)]
    assert [protocol.decode(raw) for raw in received] == [message for message, _ in MESSAGES] + [Solving()]


# --------------------------------------------------------------------------------------------
# What the worker makes of a message out of turn
# --------------------------------------------------------------------------------------------


def _analysed_without_a_result(conn: Any, payload: dict[str, Any]) -> None:
    conn.send((MSG_SOLVING,))
    conn.send((MSG_ANALYSED,))


def _result_without_the_result(conn: Any, payload: dict[str, Any]) -> None:
    conn.send((MSG_SOLVING,))
    conn.send((MSG_RESULT,))


def _analysis_of_a_run_without_one(conn: Any, payload: dict[str, Any]) -> None:
    conn.send((MSG_SOLVING,))
    conn.send((MSG_ANALYSIS, {"rule_prices": []}))


def _input_error(conn: Any, payload: dict[str, Any]) -> None:
    conn.send((MSG_INPUT_ERROR, LOCATED))


@pytest.mark.parametrize(
    ("child_target", "error"),
    [
        (_analysed_without_a_result, "unexpected message from the solver process: 'analysed'"),
        (_result_without_the_result, "unexpected message from the solver process: 'result'"),
        (_analysis_of_a_run_without_one, "unexpected message from the solver process: 'analysis'"),
        (_input_error, LOCATED),
    ],
)
def test_a_message_out_of_turn_fails_the_run(
    child_target: Any, error: str, engine: Engine, org: Org, settings: Settings
) -> None:
    factory = session_factory(engine)
    with transaction(factory) as session:
        record = ProjectListRecord(
            organisation_id=org.id,
            name="protocol",
            version=1,
            file_type=".csv",
            content=LIST,
            content_sha256=hashlib.sha256(LIST).hexdigest(),
            project_count=1,
            created_by=org.key_ids["editor"],
        )
        session.add(record)
        session.flush()
        run = Run(
            organisation_id=org.id,
            project_list_id=record.id,
            scenario=SCENARIO,
            input_sha256="0" * 64,
            submitted_by=org.key_ids["editor"],
        )
        session.add(run)
        session.flush()
        run_id = run.id
    assert claim_next(factory, "protocol-test", 30) == run_id  # every other test's runs have ended

    assert run_job(settings, run_id, "protocol-test", factory=factory, child_target=child_target) == "failed"
    with factory() as session:
        stored = session.get(Run, run_id)
        assert (stored.state, stored.error, stored.result) == (RunState.FAILED, error, None)
