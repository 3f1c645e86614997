"""python-gitlab: GET /users through offset pages (Link headers, X-Total...), keyset cursors,
search and filters. The users made here share the "lst-" prefix, so searches give known sets."""
from client_harness import Cases, as_root, new_user_attrs

case = Cases()
gl = as_root()

PAGERS = [f"lst-pager-{n:02d}" for n in range(1, 8)]
for username in PAGERS:
    gl.users.create(new_user_attrs(username))
gl.users.create(new_user_attrs("lst-outsider", external=True))
gl.users.create(new_user_attrs("lst-linked", extern_uid="lst-uid-1", provider="github"))
for username in ("lst-pager-03", "lst-pager-05"):
    gl.users.list(username=username, get_all=False)[0].customattributes.set("team", "blue")
# A soft delete hands contributions to the ghost user, creating that internal user.
gl.users.delete(gl.users.create(new_user_attrs("lst-gone")).id)


def names(users) -> list:
    return [user.username for user in users]


def ids(users) -> list:
    return [user.id for user in users]


@case("offset_get_all_small_pages")
def _():
    # Compared with one big page: following Link rel="next" must neither skip nor repeat.
    return {"paged": ids(gl.users.list(get_all=True, per_page=2)), "one_page": ids(gl.users.list(per_page=100, get_all=False))}


@case("offset_iterator")
def _():
    pages = gl.users.list(search="lst-", iterator=True, per_page=3)
    header = {"total": pages.total, "total_pages": pages.total_pages, "per_page": pages.per_page, "current_page": pages.current_page, "next_page": pages.next_page, "prev_page": pages.prev_page}
    return {**header, "usernames": names(pages)}


@case("offset_single_page")
def _():
    return names(gl.users.list(search="lst-", page=2, per_page=3, get_all=False))


@case("keyset_iterator_by_id")
def _():
    return {"keyset": ids(gl.users.list(iterator=True, pagination="keyset", order_by="id", per_page=2)), "offset": ids(gl.users.list(per_page=100, get_all=False))}


@case("keyset_iterator_ascending")
def _():
    return ids(gl.users.list(iterator=True, pagination="keyset", order_by="id", sort="asc", per_page=3))


@case("keyset_get_all_with_search")
def _():
    return names(gl.users.list(get_all=True, pagination="keyset", order_by="id", search="lst-pager", per_page=2))


@case("search_by_name")
def _():
    return names(gl.users.list(search="Lst Pager 04", get_all=False))


@case("search_by_email")
def _():
    return names(gl.users.list(search="lst-pager-06@example.com", get_all=False))


@case("username_filter")
def _():
    return names(gl.users.list(username="lst-pager-02", get_all=False))


@case("external_filter")
def _():
    return names(gl.users.list(external=True, get_all=True))


@case("exclude_external_filter")
def _():
    return names(gl.users.list(search="lst-", exclude_external=True, get_all=True))


@case("custom_attributes_filter")
def _():
    plain = names(gl.users.list(custom_attributes={"team": "blue"}, get_all=True))
    detailed = gl.users.list(custom_attributes={"team": "blue"}, with_custom_attributes=True, get_all=True)
    return {"usernames": plain, "attributes": {user.username: user.custom_attributes for user in detailed}}


@case("extern_uid_and_provider_filter")
def _():
    return names(gl.users.list(extern_uid="lst-uid-1", provider="github", get_all=True))


@case("order_by_username_descending")
def _():
    return names(gl.users.list(search="lst-pager", order_by="username", sort="desc", get_all=True))


@case("internal_users")
def _():
    everyone = names(gl.users.list(get_all=True, per_page=100))
    humans = names(gl.users.list(exclude_internal=True, get_all=True, per_page=100))
    return {"ghost_listed": "ghost" in everyone, "ghost_excluded": "ghost" not in humans, "excluded": sorted(set(everyone) - set(humans))}


@case("admins_filter")
def _():
    return names(gl.users.list(admins=True, get_all=True))


@case("state_filters")
def _():
    return {"active": len(gl.users.list(search="lst-", active=True, get_all=True)), "blocked": names(gl.users.list(blocked=True, get_all=True))}


@case("created_window_filters")
def _():
    future = names(gl.users.list(created_after="2999-01-01T00:00:00Z", get_all=True))
    past = names(gl.users.list(created_before="2000-01-01T00:00:00Z", get_all=True))
    return {"after_2999": future, "before_2000": past}


case.emit()
