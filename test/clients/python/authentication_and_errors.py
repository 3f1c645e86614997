"""python-gitlab: who is calling (root, a plain user, a narrow token, sudo, nobody) and the
typed exceptions our error answers become (401, 403, 404, 409, 400, 429)."""
import os

import gitlab
from gitlab.v4.objects import CurrentUserManager

from client_harness import Cases, URL, as_root, as_token, new_user_attrs, raised

case = Cases()
gl = as_root()
alice = gl.users.create(new_user_attrs("auth-alice"))
alice_token = alice.personal_access_tokens.create({"name": "everyday", "scopes": ["api"]}).token
reader_token = alice.personal_access_tokens.create({"name": "reader", "scopes": ["read_user"]}).token


@case("auth_as_root")
def _():
    gl.auth()
    user = gl.user
    return {"class": type(user).__name__, "id": user.id, "username": user.username, "is_admin": user.is_admin, "email": user.email}


@case("auth_as_plain_user")
def _():
    client = as_token(alice_token)
    client.auth()
    return {"class": type(client.user).__name__, "username": client.user.username, "has_is_admin": "is_admin" in client.user.attributes}


@case("auth_with_bearer_header")
def _():
    # oauth_token= makes python-gitlab send "Authorization: Bearer <token>".
    client = gitlab.Gitlab(URL, oauth_token=alice_token, timeout=15)
    client.auth()
    return {"class": type(client.user).__name__, "username": client.user.username}


@case("plain_user_lists_basic_entities")
def _():
    users = as_token(alice_token).users.list(username="root", get_all=False)
    return {"count": len(users), "keys": sorted(users[0].attributes.keys()) if users else None}


@case("bad_token")
def _():
    return raised(lambda: as_token("glpat-this-token-does-not-exist").auth())


@case("anonymous_current_user")
def _():
    return raised(lambda: gitlab.Gitlab(URL, timeout=15).auth())


@case("anonymous_list_by_username")
def _():
    return [user.username for user in gitlab.Gitlab(URL, timeout=15).users.list(username="root", get_all=False)]


@case("anonymous_list_without_username")
def _():
    return raised(lambda: gitlab.Gitlab(URL, timeout=15).users.list(get_all=False))


@case("plain_user_creates_user")
def _():
    return raised(lambda: as_token(alice_token).users.create(new_user_attrs("auth-forbidden")))


@case("read_user_token_writes")
def _():
    return raised(lambda: as_token(reader_token).users.create(new_user_attrs("auth-narrow")))


@case("sudo_as_plain_user")
def _():
    # python-gitlab sends sudo as a query parameter.
    me = CurrentUserManager(gl).get(sudo="auth-alice")
    return {"class": type(me).__name__, "username": me.username, "has_is_admin": "is_admin" in me.attributes}


@case("get_missing_user")
def _():
    return raised(lambda: gl.users.get(999999))


@case("get_non_numeric_id")
def _():
    return raised(lambda: gl.users.get("not-a-number"))


@case("create_duplicate_email")
def _():
    return raised(lambda: gl.users.create(new_user_attrs("auth-other", email="auth-alice@example.com")))


@case("create_duplicate_username")
def _():
    return raised(lambda: gl.users.create(new_user_attrs("auth-alice", email="auth-alice-2@example.com")))


@case("create_missing_parameters")
def _():
    return raised(lambda: gl.users.create({"username": "auth-incomplete"}))


@case("create_short_password")
def _():
    return raised(lambda: gl.users.create(new_user_attrs("auth-short", password="short")))


@case("rate_limited_get_by_id")
def _():
    limit = int(os.environ["USERS_GET_BY_ID_LIMIT"])
    rita = gl.users.create(new_user_attrs("auth-rita"))
    token = rita.personal_access_tokens.create({"name": "busy", "scopes": ["read_user"]}).token
    client = as_token(token)
    allowed = [client.users.get(alice.id).username for _ in range(limit)]
    # obey_rate_limit=False: python-gitlab would otherwise sleep for Retry-After (minutes) and retry.
    over_limit = raised(lambda: client.users.get(alice.id, obey_rate_limit=False))
    return {"allowed": allowed, "over_limit": over_limit, "admin_unlimited": gl.users.get(alice.id).username}


case.emit()
