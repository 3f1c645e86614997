"""python-gitlab: soft and hard deletes, and gl.audit_events (list with filters and pages, get).
Audit rows are written by the worker after the request, so reads poll with a deadline."""
from client_harness import Cases, as_root, as_token, new_user_attrs, poll, raised

case = Cases()
gl = as_root()


def audit_rows(user_id: int) -> list:
    return gl.audit_events.list(entity_type="User", entity_id=user_id, get_all=True)


def destroyed_row(user_id: int):
    return poll(lambda: next((row for row in audit_rows(user_id) if row.event_name == "user_destroyed"), None), what=f"user_destroyed of {user_id}")


@case("soft_delete_by_manager")
def _():
    gail = gl.users.create(new_user_attrs("del-gail"))
    answer = gl.users.delete(gail.id)
    return {"answer": answer, "get_after": raised(lambda: gl.users.get(gail.id)), "audit": destroyed_row(gail.id).details["custom_message"]}


@case("soft_delete_by_object")
def _():
    hal = gl.users.create(new_user_attrs("del-hal"))
    answer = hal.delete()
    return {"answer": answer, "get_after": raised(lambda: gl.users.get(hal.id)), "audit": destroyed_row(hal.id).details["custom_message"]}


@case("hard_delete")
def _():
    ivy = gl.users.create(new_user_attrs("del-ivy"))
    answer = gl.users.delete(ivy.id, hard_delete=True)
    return {"answer": answer, "get_after": raised(lambda: gl.users.get(ivy.id)), "audit": destroyed_row(ivy.id).details["custom_message"]}


@case("delete_missing_user")
def _():
    return raised(lambda: gl.users.delete(999999))


@case("delete_ghost_user")
def _():
    ghost = gl.users.list(username="ghost", get_all=False)[0]
    return raised(lambda: gl.users.delete(ghost.id))


@case("audit_pages_for_one_user")
def _():
    jo = gl.users.create(new_user_attrs("del-jo"))
    jo.bio = "audited"
    jo.save()
    jo.customattributes.set("team", "audit")
    jo.personal_access_tokens.create({"name": "audited", "scopes": ["read_user"]})
    poll(lambda: len(audit_rows(jo.id)) >= 4, what="four audit rows of del-jo")
    pages = gl.audit_events.list(entity_type="User", entity_id=jo.id, iterator=True, per_page=1)
    rows = list(pages)
    return {
        "total": pages.total,
        "total_pages": pages.total_pages,
        "event_names": [row.event_name for row in rows],
        "created_at": [row.created_at for row in rows],
        "classes": sorted({type(row).__name__ for row in rows}),
        "entities": sorted({(row.entity_type, row.entity_id) for row in rows}),
        "jo_id": jo.id,
    }


@case("audit_get_one")
def _():
    latest = gl.audit_events.list(per_page=1, get_all=False)[0]
    found = gl.audit_events.get(latest.id)
    return {
        "class": type(found).__name__,
        "same": found.attributes == latest.attributes,
        "keys": sorted(found.attributes.keys()),
        "detail_keys": sorted(found.details.keys()),
    }


@case("audit_time_window")
def _():
    after = gl.audit_events.list(created_after="2999-01-01T00:00:00Z", get_all=True)
    before = gl.audit_events.list(created_before="2000-01-01T00:00:00Z", get_all=True)
    return {"after_2999": len(after), "before_2000": len(before)}


@case("audit_get_missing")
def _():
    return raised(lambda: gl.audit_events.get(999999))


@case("audit_as_plain_user")
def _():
    kim = gl.users.create(new_user_attrs("del-kim"))
    token = kim.personal_access_tokens.create({"name": "curious", "scopes": ["api"]}).token
    return raised(lambda: as_token(token).audit_events.list(get_all=False))


case.emit()
