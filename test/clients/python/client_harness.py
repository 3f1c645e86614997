"""Shared by the python-gitlab scripts: the connection, case recording and error shapes.

Each script records what python-gitlab returned, case by case, and prints one JSON object
on its last stdout line; the jest test (test/clients/python-gitlab.test.ts) asserts on it.
A case that raises anything unexpected is recorded as {"unexpected": ...} instead of
stopping the script, so one broken answer fails one case and the others still report.
"""
import json
import os
import sys
import time
import traceback

import gitlab

URL = os.environ["GITLAB_URL"]
ROOT_TOKEN = os.environ["GITLAB_TOKEN"]
AVATAR_PATH = os.environ["AVATAR_PATH"]
PASSWORD = "Correct-Horse-Battery-42"


def as_root() -> gitlab.Gitlab:
    return gitlab.Gitlab(URL, private_token=ROOT_TOKEN, timeout=15)


def as_token(token: str) -> gitlab.Gitlab:
    return gitlab.Gitlab(URL, private_token=token, timeout=15)


def avatar_bytes() -> bytes:
    with open(AVATAR_PATH, "rb") as handle:
        return handle.read()


def new_user_attrs(username: str, **extra) -> dict:
    return {
        "email": f"{username}@example.com",
        "username": username,
        "name": username.replace("-", " ").title(),
        "password": PASSWORD,
        "skip_confirmation": True,
        **extra,
    }


def error_of(exc: gitlab.GitlabError) -> dict:
    """The parts of a python-gitlab exception a caller relies on."""
    try:
        body = json.loads(exc.response_body) if exc.response_body else None
    except ValueError:
        body = exc.response_body.decode("utf-8", "replace")
    return {"type": type(exc).__name__, "code": exc.response_code, "message": exc.error_message, "body": body}


def raised(action) -> dict:
    """Runs an action that should fail; records the exception, or that nothing was raised."""
    try:
        value = action()
    except gitlab.GitlabError as exc:
        return error_of(exc)
    return {"type": None, "returned": repr(value)}


def poll(check, timeout: float = 20.0, what: str = "a condition"):
    """Calls `check` until it returns something truthy; audit rows are written asynchronously."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


class Cases:
    """Runs each case as it is declared (decorator) and keeps its result under its name."""

    def __init__(self) -> None:
        self.results: dict = {}

    def __call__(self, name: str):
        def run(case):
            try:
                self.results[name] = case()
            except Exception as exc:  # recorded, so that the jest assertion shows it
                frames = traceback.format_exception(type(exc), exc, exc.__traceback__)
                self.results[name] = {"unexpected": f"{type(exc).__name__}: {exc}", "trace": "".join(frames[-3:])}
            return case

        return run

    def emit(self) -> None:
        sys.stdout.write(json.dumps(self.results, default=str) + "\n")
