"""`DbError` and the mapping of driver errors to its codes (the only module knowing SQLSTATEs)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final, Literal

import psycopg
from sqlalchemy import exc as sa_exc

DbErrorCode = Literal[
    "DB_QUERY_FAILED",
    "DB_DECODE_FAILED",
    "DB_UNIQUE_VIOLATION",
    "DB_USER_EMAIL_UNIQUE_VIOLATION",
    "DB_AUTH_LOGIN_IDENTITY_UNIQUE_VIOLATION",
    "DB_FOREIGN_KEY_VIOLATION",
    "DB_NOT_NULL_VIOLATION",
    "DB_CHECK_VIOLATION",
    "DB_INVALID_INPUT",
    "DB_SERIALIZATION_FAILURE",
    "DB_TIMEOUT",
    "DB_INVALID_CURSOR",
]

UNIQUE_VIOLATION: Final = "23505"
FOREIGN_KEY_VIOLATION: Final = "23503"
NOT_NULL_VIOLATION: Final = "23502"
CHECK_VIOLATION: Final = "23514"
SERIALIZATION_FAILURE: Final = "40001"
DEADLOCK_DETECTED: Final = "40P01"
QUERY_CANCELED: Final = "57014"
LOCK_NOT_AVAILABLE: Final = "55P03"
INVALID_TEXT_REPRESENTATION: Final = "22P02"
STRING_DATA_RIGHT_TRUNCATION: Final = "22001"
NUMERIC_VALUE_OUT_OF_RANGE: Final = "22003"
INVALID_DATETIME_FORMAT: Final = "22007"
DATETIME_FIELD_OVERFLOW: Final = "22008"
INVALID_PARAMETER_VALUE: Final = "22023"
UNTRANSLATABLE_CHARACTER: Final = "22P05"
CHARACTER_NOT_IN_REPERTOIRE: Final = "22021"

_CODE_BY_SQLSTATE: Final[dict[str, DbErrorCode]] = {
    UNIQUE_VIOLATION: "DB_UNIQUE_VIOLATION",
    FOREIGN_KEY_VIOLATION: "DB_FOREIGN_KEY_VIOLATION",
    NOT_NULL_VIOLATION: "DB_NOT_NULL_VIOLATION",
    CHECK_VIOLATION: "DB_CHECK_VIOLATION",
    SERIALIZATION_FAILURE: "DB_SERIALIZATION_FAILURE",
    DEADLOCK_DETECTED: "DB_SERIALIZATION_FAILURE",
    QUERY_CANCELED: "DB_TIMEOUT",
    LOCK_NOT_AVAILABLE: "DB_TIMEOUT",
    INVALID_TEXT_REPRESENTATION: "DB_INVALID_INPUT",
    STRING_DATA_RIGHT_TRUNCATION: "DB_INVALID_INPUT",
    NUMERIC_VALUE_OUT_OF_RANGE: "DB_INVALID_INPUT",
    INVALID_DATETIME_FORMAT: "DB_INVALID_INPUT",
    DATETIME_FIELD_OVERFLOW: "DB_INVALID_INPUT",
    INVALID_PARAMETER_VALUE: "DB_INVALID_INPUT",
    UNTRANSLATABLE_CHARACTER: "DB_INVALID_INPUT",
    CHARACTER_NOT_IN_REPERTOIRE: "DB_INVALID_INPUT",
}

_UNIQUE_CODE_BY_CONSTRAINT: Final[dict[str, DbErrorCode]] = {
    "users_email_key": "DB_USER_EMAIL_UNIQUE_VIOLATION",
    "users_email_ci_unique": "DB_USER_EMAIL_UNIQUE_VIOLATION",
    "auth_login_identities_provider_subject_unique": "DB_AUTH_LOGIN_IDENTITY_UNIQUE_VIOLATION",
    "auth_login_identities_user_provider_unique": "DB_AUTH_LOGIN_IDENTITY_UNIQUE_VIOLATION",
}

_PASSWORD_IN_URL: Final = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]*):[^@\s]*@", re.I)
_PASSWORD_PARAM: Final = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.I)


class DbError(Exception):
    """A data-layer failure with a stable code, a message and the violated constraint, if any."""

    def __init__(self, code: DbErrorCode, message: str, constraint: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code: DbErrorCode = code
        self.message = message
        self.constraint = constraint

    def __repr__(self) -> str:
        fields = f"code={self.code!r}, message={self.message!r}, constraint={self.constraint!r}"
        return f"DbError({fields})"


def redact(text: str) -> str:
    """Return TEXT with any password in a connection URL or `password=` parameter masked."""
    text = _PASSWORD_IN_URL.sub(lambda m: f"{m.group('scheme')}:***@", text)
    return _PASSWORD_PARAM.sub(lambda m: f"{m.group(1)}***", text)


def _driver_error(exc: BaseException) -> BaseException | None:
    """Return the innermost driver exception that carries a SQLSTATE, if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(getattr(current, "sqlstate", None), str):
            return current
        if isinstance(current, sa_exc.DBAPIError) and isinstance(current.orig, BaseException):
            current = current.orig
            continue
        current = current.__cause__ or current.__context__
    return None


def _first_line(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()
    return message[0] if message else type(exc).__name__


def to_db_error(context: str, exc: BaseException) -> DbError:
    """Map any exception raised while talking to the database to a `DbError`."""
    if isinstance(exc, DbError):
        return exc
    if isinstance(exc, sa_exc.TimeoutError):
        return DbError("DB_TIMEOUT", redact(f"{context}: connection pool timed out"))
    driver = _driver_error(exc)
    if driver is None:
        return DbError("DB_QUERY_FAILED", redact(f"{context}: {_first_line(exc)}"))
    sqlstate = str(getattr(driver, "sqlstate", ""))
    diag = getattr(driver, "diag", None)
    constraint = getattr(diag, "constraint_name", None) if diag is not None else None
    code = _CODE_BY_SQLSTATE.get(sqlstate, "DB_QUERY_FAILED")
    if code == "DB_UNIQUE_VIOLATION" and constraint in _UNIQUE_CODE_BY_CONSTRAINT:
        code = _UNIQUE_CODE_BY_CONSTRAINT[constraint]
    where = f"{context} ({constraint})" if constraint else context
    return DbError(code, redact(f"{where}: {_first_line(driver)}"), constraint)


@contextmanager
def translate_errors(context: str) -> Iterator[None]:
    """Re-raise any exception of the block as a `DbError` carrying CONTEXT."""
    try:
        yield
    except DbError:
        raise
    except (sa_exc.SQLAlchemyError, psycopg.Error) as exc:
        raise to_db_error(context, exc) from exc
    except Exception as exc:
        if _driver_error(exc) is None:
            raise
        raise to_db_error(context, exc) from exc
