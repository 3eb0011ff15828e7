"""TXD3xx: repositories are plain `async`/`await` code; no callbacks, detached work or bridges."""

from __future__ import annotations

import libcst as cst

from lint_rules.core.context import FileContext
from lint_rules.core.patterns import asyncio_name, is_async_connection
from lint_rules.core.report import Edit
from lint_rules.core.resolve import Kind
from lint_rules.core.roles import Where
from lint_rules.core.rule import Invalid, Rule, Valid

_CALLBACKS = frozenset(
    {"add_done_callback", "then", "catch", "addCallback", "addErrback", "addBoth", "addCallbacks"}
)
_LOOP_GETTERS = ("get_event_loop", "get_running_loop", "new_event_loop")
_TASK_MAKERS = (
    "create_task",
    "ensure_future",
    "run_coroutine_threadsafe",
    "Future",
    "wrap_future",
    "create_future",
    "run_in_executor",
)
_CONNECTION_COROUTINES = frozenset(
    {"execute", "exec_driver_sql", "scalar", "scalars", "stream", "commit", "rollback", "run_sync"}
)


def _is_loop(ctx: FileContext, node: cst.BaseExpression) -> bool:
    value = ctx.resolver.value_of(node) if isinstance(node, cst.Name) else node
    return isinstance(value, cst.Call) and asyncio_name(ctx.qualname(value.func), *_LOOP_GETTERS)


def _is_task_or_future(ctx: FileContext, node: cst.BaseExpression) -> bool:
    value = ctx.resolver.value_of(node) if isinstance(node, cst.Name) else node
    if not isinstance(value, cst.Call):
        return False
    if asyncio_name(ctx.qualname(value.func), *_TASK_MAKERS):
        return True
    return isinstance(value.func, cst.Attribute) and value.func.attr.value in _TASK_MAKERS


class CallbackChaining(Rule):
    """Callback chaining on futures or promises in a repository.

    `.add_done_callback(`, `.then(`, `.catch(` and Twisted's `addCallback`/`addErrback`/
    `addBoth`/`addCallbacks` run code outside the caller's `await`, its transaction and its
    error handling: `await` the result and continue in line.
    """

    code = "TXD301"
    where = Where.REPOSITORIES
    VALID = (
        Valid(
            "async def get(conn, stmt):\n    result = await conn.execute(stmt)\n"
            "    return result\n",
            role="repository",
        ),
    )
    INVALID = (
        Invalid(
            "def watch(task, log):\n    task.add_done_callback(log)\n", role="repository", line=2
        ),
        Invalid(
            "def chain(deferred, ok, bad):\n    return deferred.then(ok).catch(bad)\n",
            role="repository",
            line=2,
        ),
        Invalid("def chain(d, ok):\n    d.addCallback(ok)\n", role="repository", line=2),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only files that mention a callback method."""
        return ctx.has_word(
            ".add_done_callback", ".then", ".catch", ".addCallback", ".addErrback", ".addBoth"
        )

    def visit_Call(self, node: cst.Call) -> None:
        """`x.then(...)` and friends."""
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in _CALLBACKS:
            self.report(
                node,
                f"callback chaining with `.{node.func.attr.value}()`: "
                "`await` the result and continue in line",
            )


class DetachedWork(Rule):
    """Detached work in a repository.

    `asyncio.create_task`, `asyncio.ensure_future`, `loop.create_task` and an un-awaited
    `asyncio.gather(...)` start work that outlives the repository call, its connection and
    its transaction: `await` the coroutine (or `await asyncio.gather(...)`).
    """

    code = "TXD302"
    where = Where.REPOSITORIES
    VALID = (
        Valid(
            "import asyncio\n\n\nasync def both(a, b):\n    return await asyncio.gather(a, b)\n",
            role="repository",
        ),
        Valid(
            "import asyncio\n\n\nasync def both(a):\n    async with asyncio.TaskGroup() as tg:\n"
            "        tg.create_task(a)\n",
            role="repository",
        ),
    )
    INVALID = (
        Invalid(
            "import asyncio\n\n\nasync def fire(coro):\n    asyncio.create_task(coro)\n",
            role="repository",
            line=5,
        ),
        Invalid(
            "from asyncio import ensure_future as later\n\n\ndef fire(coro):\n    later(coro)\n",
            role="repository",
            line=5,
        ),
        Invalid(
            "import asyncio\n\n\ndef fire(coro):\n    loop = asyncio.get_running_loop()\n"
            "    loop.create_task(coro)\n",
            role="repository",
            line=6,
        ),
        Invalid(
            "import asyncio\n\n\ndef fire(a, b):\n    return asyncio.gather(a, b)\n",
            role="repository",
            line=5,
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only files that use asyncio."""
        return ctx.has_word("asyncio")

    def visit_Call(self, node: cst.Call) -> None:
        """Task creation and un-awaited gathers."""
        qualname = self.ctx.qualname(node.func)
        if asyncio_name(qualname, "create_task", "ensure_future"):
            name = (qualname or "").rpartition(".")[2]
            self.report(
                node,
                f"detached work with `asyncio.{name}()`: `await` the coroutine "
                "inside the repository call",
            )
        elif (
            isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "create_task"
            and _is_loop(self.ctx, node.func.value)
        ):
            self.report(
                node,
                "detached work with `loop.create_task()`: `await` the coroutine "
                "inside the repository call",
            )
        elif asyncio_name(qualname, "gather") and not isinstance(self.parent(), cst.Await):
            self.report(node, "un-awaited `asyncio.gather(...)`: write `await asyncio.gather(...)`")


class LoopBridging(Rule):
    """Event-loop bridging in a repository.

    `asyncio.run`, `run_until_complete`, `run_coroutine_threadsafe`, `get_event_loop` and
    `.result()` on a task or future block or re-enter the event loop: repositories are
    `async def` and `await` their work.
    """

    code = "TXD303"
    where = Where.REPOSITORIES
    VALID = (
        Valid("async def get(repo):\n    return await repo.get()\n", role="repository"),
        Valid("def value(response):\n    return response.result()\n", role="repository"),
    )
    INVALID = (
        Invalid(
            "import asyncio\n\n\ndef get(coro):\n    return asyncio.run(coro)\n",
            role="repository",
            line=5,
        ),
        Invalid(
            "import asyncio\n\n\ndef get(coro):\n"
            "    return asyncio.get_event_loop().run_until_complete(coro)\n",
            role="repository",
            line=5,
        ),
        Invalid(
            "import asyncio\n\n\nasync def get(coro):\n    task = asyncio.ensure_future(coro)\n"
            "    return task.result()\n",
            role="repository",
            line=6,
        ),
        Invalid(
            "def get(loop, coro):\n    return loop.run_until_complete(coro)\n",
            role="repository",
            line=2,
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only files that use asyncio or call a bridging method."""
        return ctx.has_word("asyncio", "run_until_complete", ".result(")

    def visit_Call(self, node: cst.Call) -> None:
        """Loop runners and blocking `.result()`."""
        qualname = self.ctx.qualname(node.func)
        if asyncio_name(qualname, "run", "run_coroutine_threadsafe", "get_event_loop"):
            name = (qualname or "").rpartition(".")[2]
            self.report(
                node,
                f"event-loop bridging with `asyncio.{name}()`: make the caller `async` and `await`",
            )
            return
        if not isinstance(node.func, cst.Attribute):
            return
        attr = node.func.attr.value
        if attr == "run_until_complete":
            self.report(
                node,
                "event-loop bridging with `run_until_complete()`: make the caller "
                "`async` and `await`",
            )
        elif attr == "result" and not node.args and _is_task_or_future(self.ctx, node.func.value):
            self.report(node, "blocking `.result()` on a task or future: `await` it instead")


class FloatingCoroutine(Rule):
    """A coroutine called without `await` as a bare statement in the db package.

    `conn.execute(...)` (and `scalar`, `scalars`, `stream`, `commit`, `rollback`, `run_sync`)
    on a connection from `provide_db()`/`begin()`/`connect()`/`transaction()`, an `async def`
    of the same module, or a repository method: without `await` it never runs. Passing the
    coroutine to `asyncio.run`, `gather` or a task API is not floating. Autofix: add `await`
    (inside an `async def`).
    """

    code = "TXD304"
    where = Where.DB_PACKAGE
    fixable = True
    VALID = (
        Valid(
            """
            from db.client import provide_db


            async def touch(stmt):
                async with provide_db() as conn:
                    await conn.execute(stmt)
            """,
            role="repository",
        ),
        Valid("def log(logger):\n    logger.execute('x')\n", role="db"),
        Valid(
            """
            import psycopg


            def ping(url):
                with psycopg.connect(url) as conn:
                    conn.execute("SELECT 1")
            """,
            role="query",
        ),
    )
    INVALID = (
        Invalid(
            """
            from db.client import provide_db


            async def touch(stmt):
                async with provide_db() as conn:
                    conn.execute(stmt)
            """,
            role="repository",
            line=6,
            fixed="""
            from db.client import provide_db


            async def touch(stmt):
                async with provide_db() as conn:
                    await conn.execute(stmt)
            """,
        ),
        Invalid(
            """
            async def refresh():
                return 1


            async def main():
                refresh()
            """,
            role="db",
            line=6,
            fixed="""
            async def refresh():
                return 1


            async def main():
                await refresh()
            """,
        ),
        Invalid(
            """
            from db.repositories.users import users_repository


            def main(user_id):
                users_repository.delete(user_id)
            """,
            role="db",
            line=5,
        ),
        Invalid(
            """
            class Runner:
                async def step(self):
                    return 1

                async def run(self):
                    self.step()
            """,
            role="db",
            line=6,
            fixed="""
            class Runner:
                async def step(self):
                    return 1

                async def run(self):
                    await self.step()
            """,
        ),
    )

    @classmethod
    def wants(cls, ctx: FileContext) -> bool:
        """Only files with an `async def`, a repository or a connection method."""
        return ctx.has_word(
            "async ", "_repository", "execute", "scalar", "stream", "commit", "rollback", "run_sync"
        )

    def visit_Expr(self, node: cst.Expr) -> None:
        """A bare expression statement that is a call."""
        call = node.value
        if not isinstance(call, cst.Call):
            return
        what = self._coroutine(call)
        if what is None:
            return
        edits: list[tuple[cst.CSTNode, Edit]] = []
        if self._in_async_def():
            edits.append(
                (
                    node,
                    lambda n: (
                        n.with_changes(value=cst.Await(n.value)) if isinstance(n, cst.Expr) else n
                    ),
                )
            )
        self.report(node, f"coroutine {what} is never awaited: write `await` before it", edits)

    def _coroutine(self, call: cst.Call) -> str | None:
        func = call.func
        if isinstance(func, cst.Name):
            binding = self.ctx.binding(func)
            if binding is not None and binding.kind is Kind.ASYNC_DEF:
                return f"`{func.value}()`"
            return None
        if not isinstance(func, cst.Attribute):
            return None
        receiver, method = func.value, func.attr.value
        shown = self.ctx.module.code_for_node(func)
        if method in _CONNECTION_COROUTINES and is_async_connection(
            self.ctx, receiver, self.ancestors()
        ):
            return f"`{shown}()`"
        if isinstance(receiver, cst.Name) and receiver.value == "self":
            if self._async_method(method):
                return f"`{shown}()`"
            return None
        qualname = self.ctx.qualname(receiver)
        if qualname is not None and qualname.rpartition(".")[2].endswith("_repository"):
            return f"`{shown}()`"
        return None

    def _async_method(self, name: str) -> bool:
        for ancestor in self.ancestors():
            if isinstance(ancestor, cst.ClassDef):
                return any(
                    isinstance(item, cst.FunctionDef)
                    and item.name.value == name
                    and item.asynchronous is not None
                    for item in ancestor.body.body
                )
        return False

    def _in_async_def(self) -> bool:
        for ancestor in self.ancestors():
            if isinstance(ancestor, cst.Lambda | cst.ClassDef):
                return False
            if isinstance(ancestor, cst.FunctionDef):
                return ancestor.asynchronous is not None
        return False
