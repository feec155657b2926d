"""What a worker and its solve process tell each other.

The worker starts the solve process with a `Payload` (what to solve). The solve process answers over a
one-way pipe (`multiprocessing.connection.Connection`), one tuple per message: its kind, a plain
string, then its arguments.

    ("solving",)                          the inputs are read; the solve's clock starts
    ("result", result JSON)               the result, and nothing follows: the run is done
    ("solved", result JSON)               the result; the analysis follows
    ("analysis", part)                    a finished part of the analysis (`api.analysis.merge`)
    ("analysed",)                         the analysis is complete: the run is done
    ("progress", step, done, total)       how far a long step has come
    ("input_error", located message)      the list or the scenario is not valid
    ("crash", "Type: message", traceback) anything else went wrong

`encode` makes the tuple of a message and `decode` reads one back, as `Unexpected` when it is not one
of these (an unknown kind, or the wrong number of arguments); `send` writes a message to the pipe. The tuples are the protocol: a solve process may send
them as they are (the tests' stand-in solve processes do).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum
from multiprocessing.connection import Connection
from typing import Any, ClassVar, TypedDict


class Kind(StrEnum):
    SOLVING = "solving"
    RESULT = "result"
    SOLVED = "solved"
    ANALYSIS = "analysis"
    ANALYSED = "analysed"
    PROGRESS = "progress"
    INPUT_ERROR = "input_error"
    CRASH = "crash"


# The kinds as the plain strings sent over the pipe.
MSG_SOLVING = Kind.SOLVING.value
MSG_RESULT = Kind.RESULT.value
MSG_SOLVED = Kind.SOLVED.value
MSG_ANALYSIS = Kind.ANALYSIS.value
MSG_ANALYSED = Kind.ANALYSED.value
MSG_PROGRESS = Kind.PROGRESS.value
MSG_INPUT_ERROR = Kind.INPUT_ERROR.value
MSG_CRASH = Kind.CRASH.value


class Sweep(TypedDict):
    """Where the many solves of an uncertainty study run (`optimizer.analysis.uncertainty.study`)."""

    executor: str
    workers: int | None
    scheduler: str | None


class Payload(TypedDict):
    """What the worker gives its solve process: the project list's bytes, the scenario and the analysis
    asked for (`api.analysis.request_of`; None: none)."""

    content: bytes
    file_type: str
    column_mapping: dict[str, str] | None
    source_name: str
    scenario: dict[str, Any]
    analysis: dict[str, Any] | None
    sweep: Sweep


@dataclass(frozen=True, slots=True)
class Solving:
    """The inputs are read: the solve's clock starts."""

    kind: ClassVar[Kind] = Kind.SOLVING


@dataclass(frozen=True, slots=True)
class Done:
    """The result (`Result.model_dump(mode="json")`), and nothing follows: the run is done."""

    kind: ClassVar[Kind] = Kind.RESULT
    result: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Solved:
    """The result; the analysis follows."""

    kind: ClassVar[Kind] = Kind.SOLVED
    result: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AnalysisPart:
    """A finished part of the analysis, to be merged into the run's (`api.analysis.merge`)."""

    kind: ClassVar[Kind] = Kind.ANALYSIS
    part: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Analysed:
    """The analysis is complete: the run is done."""

    kind: ClassVar[Kind] = Kind.ANALYSED


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a long step (an uncertainty study) has come."""

    kind: ClassVar[Kind] = Kind.PROGRESS
    step: str
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class InputFailure:
    """The project list or the scenario is not valid: the located problems, as text."""

    kind: ClassVar[Kind] = Kind.INPUT_ERROR
    message: str


@dataclass(frozen=True, slots=True)
class Crash:
    """Anything else went wrong in the solve process."""

    kind: ClassVar[Kind] = Kind.CRASH
    error: str
    """"Type: message"."""
    traceback: str


@dataclass(frozen=True, slots=True)
class Unexpected:
    """Something that is not a message of the protocol (or not with the arguments its kind has)."""

    received: object

    @property
    def kind_text(self) -> str:
        """The kind it was sent with, for messages: as Python writes it."""
        if isinstance(self.received, tuple | list) and self.received:
            return repr(self.received[0])
        return repr(self.received)


Message = Solving | Done | Solved | AnalysisPart | Analysed | Progress | InputFailure | Crash
MESSAGES: dict[Kind, type[Message]] = {
    cls.kind: cls for cls in (Solving, Done, Solved, AnalysisPart, Analysed, Progress, InputFailure, Crash)
}


def encode(message: Message) -> tuple[Any, ...]:
    """The tuple that is sent for `message`: its kind as a plain string, then its arguments in order."""
    return (message.kind.value, *(getattr(message, field.name) for field in fields(message)))


def decode(received: object) -> Message | Unexpected:
    """The message in what was received; `Unexpected` when it is none of the protocol's."""
    if not isinstance(received, tuple | list) or not received or not isinstance(received[0], str):
        return Unexpected(received)
    try:
        cls = MESSAGES[Kind(received[0])]
    except ValueError:
        return Unexpected(received)
    arguments = received[1:]
    if len(arguments) != len(fields(cls)):  # the arguments' types are the solve process's to get right
        return Unexpected(received)
    return cls(*arguments)


def kind_text(message: Message | Unexpected) -> str:
    """The message's kind as Python writes the string sent (e.g. `'analysed'`), for messages."""
    if isinstance(message, Unexpected):
        return message.kind_text
    return repr(message.kind.value)


def send(conn: Connection, message: Message) -> None:
    conn.send(encode(message))
