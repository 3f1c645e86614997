"""python-gitlab: user.customattributes (set/get/list/delete) and user.identityproviders.delete."""
from client_harness import Cases, as_root, as_token, new_user_attrs, raised

case = Cases()
gl = as_root()
erin = gl.users.create(new_user_attrs("attr-erin"))


def pairs(attributes) -> list:
    return sorted((attribute.key, attribute.value) for attribute in attributes)


@case("set_new")
def _():
    stored = erin.customattributes.set("team", "blue")
    return {"class": type(stored).__name__, "key": stored.key, "value": stored.value}


@case("get_one")
def _():
    found = erin.customattributes.get("team")
    return {"class": type(found).__name__, "key": found.key, "value": found.value}


@case("set_existing_and_list")
def _():
    erin.customattributes.set("team", "green")
    erin.customattributes.set("floor", "3")
    return pairs(erin.customattributes.list(get_all=True))


@case("user_with_custom_attributes")
def _():
    return sorted((item["key"], item["value"]) for item in gl.users.get(erin.id, with_custom_attributes=True).custom_attributes)


@case("delete_then_get")
def _():
    erin.customattributes.delete("team")
    return {"left": pairs(erin.customattributes.list(get_all=True)), "get_deleted": raised(lambda: erin.customattributes.get("team"))}


@case("delete_missing_key")
def _():
    return raised(lambda: erin.customattributes.delete("never-set"))


@case("list_for_missing_user")
def _():
    return raised(lambda: gl.users.get(999999, lazy=True).customattributes.list(get_all=True))


@case("list_as_plain_user")
def _():
    token = erin.personal_access_tokens.create({"name": "self", "scopes": ["api"]}).token
    return raised(lambda: as_token(token).users.get(erin.id, lazy=True).customattributes.list(get_all=True))


@case("identity_delete")
def _():
    linked = gl.users.create(new_user_attrs("attr-linked", extern_uid="attr-uid-7", provider="github"))
    before = gl.users.get(linked.id).identities
    answer = linked.identityproviders.delete("github")
    after = gl.users.get(linked.id).identities
    again = raised(lambda: linked.identityproviders.delete("github"))
    return {"before": before, "answer": answer, "after": after, "again": again}


case.emit()
