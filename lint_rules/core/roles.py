"""Which roles a file plays (schema module, repository, ...) given the project's `Roles`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePosixPath

from lint_rules.config import Roles


class Where(Enum):
    """The set of files a rule applies to, as written in the SPEC table."""

    EVERYWHERE = "everywhere"
    SCHEMA = "schema module"
    DB_PACKAGE = "db package"
    REPOSITORIES = "repositories"
    NOT_DOMAIN_EVENTS = "all but the domain-events module"
    DB_OUTSIDE_QUERY = "db package outside repositories and query modules"
    OUTSIDE_DB = "outside the db package"
    DB_NOT_ENV = "db package except the env module"
    NOT_ERRORS = "all but the errors module"


def relative_posix(path: str | Path, root: str | Path) -> str:
    """Return PATH relative to ROOT in posix form (unchanged when it lies outside ROOT)."""
    absolute = os.path.abspath(path)
    root_abs = os.path.abspath(root)
    try:
        rel = os.path.relpath(absolute, root_abs)
    except ValueError:
        return PurePosixPath(Path(absolute).as_posix()).as_posix()
    if rel.startswith(".."):
        return Path(absolute).as_posix()
    return Path(rel).as_posix()


def _under(path: str, directory: str) -> bool:
    return directory in (".", "") or path == directory or path.startswith(directory + "/")


def module_name(path: str) -> str:
    """Return the dotted module name of a relative posix PATH (`db/a/__init__.py` -> `db.a`)."""
    parts = [part for part in PurePosixPath(path).with_suffix("").parts if part not in ("/", "")]
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@dataclass(frozen=True)
class FileRole:
    """The roles of one file: computed once per file from its relative path and the `Roles`."""

    path: str
    roles: Roles
    in_db: bool
    is_schema: bool
    in_repositories: bool
    is_domain_events: bool
    is_query_module: bool
    is_env: bool
    is_errors: bool
    is_package_init: bool

    @classmethod
    def of(cls, path: str, roles: Roles) -> FileRole:
        """Return the role of the relative posix PATH under ROLES."""
        return cls(
            path=path,
            roles=roles,
            in_db=_under(path, roles.db_package),
            is_schema=path == roles.schema_module,
            in_repositories=_under(path, roles.repositories) and path.endswith(".py"),
            is_domain_events=path == roles.domain_events_module,
            is_query_module=path in roles.query_modules,
            is_env=path == roles.env_module,
            is_errors=path == roles.errors_module,
            is_package_init=path.endswith("__init__.py"),
        )

    def matches(self, where: Where) -> bool:
        """Return whether a rule restricted to WHERE applies to this file."""
        if where is Where.EVERYWHERE:
            return True
        if where is Where.SCHEMA:
            return self.is_schema
        if where is Where.DB_PACKAGE:
            return self.in_db
        if where is Where.REPOSITORIES:
            return self.in_repositories
        if where is Where.NOT_DOMAIN_EVENTS:
            return not self.is_domain_events
        if where is Where.DB_OUTSIDE_QUERY:
            return self.in_db and not self.in_repositories and not self.is_query_module
        if where is Where.OUTSIDE_DB:
            return not self.in_db
        if where is Where.DB_NOT_ENV:
            return self.in_db and not self.is_env
        return not self.is_errors

    @property
    def module(self) -> str:
        """Dotted module name of this file."""
        return module_name(self.path)


def dotted(path: str) -> str:
    """Return the dotted module name of a role path such as `db/schema.py` or `db`."""
    return module_name(path) if path.endswith(".py") else path.strip("/").replace("/", ".")


@dataclass(frozen=True)
class ModuleNames:
    """Dotted names derived from the roles, used to recognise project objects."""

    db: str
    schema: str
    domain_events: str
    row_schemas: str
    literals: str

    @classmethod
    def of(cls, roles: Roles) -> ModuleNames:
        """Derive the dotted names from ROLES."""
        db = dotted(roles.db_package)
        return cls(
            db=db,
            schema=dotted(roles.schema_module),
            domain_events=dotted(roles.domain_events_module),
            row_schemas=f"{db}.row_schemas",
            literals=dotted(roles.literals_module),
        )
