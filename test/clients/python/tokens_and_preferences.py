"""python-gitlab: an admin creating personal access tokens for a user, the tokens in use, and
/user/preferences (python-gitlab 3.12 has no manager for it: its generic http_get/http_put)."""
import datetime

from client_harness import Cases, as_root, as_token, new_user_attrs, raised

case = Cases()
gl = as_root()
fay = gl.users.create(new_user_attrs("tok-fay"))
TOKEN_FIELDS = ("name", "scopes", "expires_at", "active", "revoked", "user_id", "description")


@case("create_with_expiry")
def _():
    token = fay.personal_access_tokens.create({"name": "deploy", "scopes": ["api", "read_user"], "expires_at": "2027-06-30"})
    fields = {name: token.attributes.get(name) for name in TOKEN_FIELDS}
    return {**fields, "class": type(token).__name__, "has_id": isinstance(token.attributes.get("id"), int), "token_prefix": token.token[:6]}


@case("create_with_default_expiry")
def _():
    token = fay.personal_access_tokens.create({"name": "defaulted", "scopes": ["read_user"]})
    days = (datetime.date.fromisoformat(token.expires_at) - datetime.date.today()).days
    return {"expires_at_is_date": len(token.expires_at) == 10, "days_from_today": days}


@case("new_token_authenticates")
def _():
    token = fay.personal_access_tokens.create({"name": "login", "scopes": ["read_user"]}).token
    client = as_token(token)
    client.auth()
    return {"username": client.user.username, "can_list": [user.username for user in client.users.list(username="tok-fay", get_all=False)]}


@case("unknown_scope")
def _():
    return raised(lambda: fay.personal_access_tokens.create({"name": "odd", "scopes": ["launch_rockets"]}))


@case("missing_name")
def _():
    # python-gitlab checks required attributes itself, so the raw POST shows the server's answer.
    return raised(lambda: gl.http_post(f"/users/{fay.id}/personal_access_tokens", post_data={"scopes": ["api"]}))


@case("expiry_beyond_a_year")
def _():
    too_late = (datetime.date.today() + datetime.timedelta(days=800)).isoformat()
    return raised(lambda: fay.personal_access_tokens.create({"name": "forever", "scopes": ["api"], "expires_at": too_late}))


@case("for_missing_user")
def _():
    return raised(lambda: gl.users.get(999999, lazy=True).personal_access_tokens.create({"name": "ghostly", "scopes": ["api"]}))


@case("preferences_of_root")
def _():
    before = gl.http_get("/user/preferences")
    changed = gl.http_put("/user/preferences", post_data={"view_diffs_file_by_file": True, "show_whitespace_in_diffs": False})
    return {"before": before, "changed": changed, "after": gl.http_get("/user/preferences")}


@case("preferences_of_plain_user")
def _():
    client = as_token(fay.personal_access_tokens.create({"name": "prefs", "scopes": ["api"]}).token)
    changed = client.http_put("/user/preferences", post_data={"pass_user_identities_to_ci_jwt": True})
    return {"changed": changed, "fay_id": fay.id}


@case("preferences_without_parameters")
def _():
    return raised(lambda: gl.http_put("/user/preferences", post_data={}))


case.emit()
