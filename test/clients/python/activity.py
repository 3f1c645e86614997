"""python-gitlab: a user's activity as its users read it. gl.user_activities (UserActivitiesManager,
GET /user/activities), user.memberships (UserMembershipManager, GET /users/:id/memberships, with its
`type` filter), user.events (UserEventManager, GET /users/:id/events, with action / target_type /
before / after / sort). python-gitlab 3.12 has no manager for GET /user_counts nor for
GET /users/:id/associations_count: those are read with its raw gl.http_get(), as its docs advise
for endpoints it does not wrap.

Memberships, contribution events and counters are seeded as another service reports them: plain
HTTP (urllib) to POST /api/v4/admin/activity/batches, which no client wraps (an extension). Days of
activity come from the users calling the API; the worker records them asynchronously.
Each case asserts what it can here and records the values for the jest test
(test/clients/python-gitlab-activity.test.ts)."""
import datetime
import json
import urllib.request

import gitlab
from gitlab.exceptions import GitlabAuthenticationError, GitlabHttpError, GitlabListError

from client_harness import ROOT_TOKEN, URL, Cases, as_root, as_token, error_of, new_user_attrs, poll, raised

case = Cases()
gl = as_root()
anonymous = gitlab.Gitlab(URL, timeout=15)

PROJECT_ALPHA = {"source_id": 101, "source_name": "Alpha", "source_type": "Project", "access_level": 30}
GROUP_ONE = {"source_id": 201, "source_name": "Group One", "source_type": "Namespace", "access_level": 40}
PROJECT_BETA_REQUEST = {"source_id": 102, "source_name": "Beta", "source_type": "Project", "access_level": 30}
GROUP_MINIMAL = {"source_id": 202, "source_name": "Minimal Group", "source_type": "Namespace", "access_level": 5}
PUSH = {"commit_count": 1, "action": "created", "ref_type": "branch", "commit_from": None, "commit_to": "c" * 40, "ref": "feature", "commit_title": "Start feature", "ref_count": None}

# Ann's contributions, oldest first (the ids follow this order).
CONTRIBUTIONS = [
    ("opened-issue", {"action": "created", "project_id": 101, "project_visibility": "public", "target_type": "Issue", "target_id": 5001, "target_iid": 1, "target_title": "First issue", "created_at": "2024-03-01T10:00:00Z"}),
    ("push", {"action": "pushed", "project_id": 101, "project_visibility": "public", "created_at": "2024-03-02T10:00:00Z", "push_data": PUSH}),
    ("opened-mr", {"action": "created", "project_id": 101, "project_visibility": "public", "target_type": "MergeRequest", "target_id": 6001, "target_iid": 1, "target_title": "Add feature", "created_at": "2024-03-03T10:00:00Z"}),
    ("closed-issue", {"action": "closed", "project_id": 101, "project_visibility": "public", "target_type": "Issue", "target_id": 5001, "target_iid": 1, "target_title": "First issue", "created_at": "2024-03-04T10:00:00Z"}),
    ("private-issue", {"action": "created", "project_id": 102, "project_visibility": "private", "target_type": "Issue", "target_id": 5002, "target_iid": 1, "target_title": "Secret issue", "created_at": "2024-03-05T10:00:00Z"}),
]


def ingest(body: dict) -> dict:
    """POST /admin/activity/batches as root, with the standard library: no client wraps it."""
    request = urllib.request.Request(
        f"{URL}/api/v4/admin/activity/batches",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"PRIVATE-TOKEN": ROOT_TOKEN, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=15) as response:
        return {"status": response.status, "body": json.loads(response.read())}


def failure(action, expected_type) -> dict:
    """Runs an action that must raise `expected_type`; records its type, code and message."""
    try:
        value = action()
    except gitlab.GitlabError as exc:
        assert isinstance(exc, expected_type), f"{type(exc).__name__} is not {expected_type.__name__}"
        return error_of(exc)
    raise AssertionError(f"expected {expected_type.__name__}, got {value!r}")


def utc_day(offset_days: int = 0) -> str:
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=offset_days)).date().isoformat()


ann = gl.users.create(new_user_attrs("pa-ann"))
bob = gl.users.create(new_user_attrs("pa-bob"))
others = [gl.users.create(new_user_attrs(f"pa-act-{n}")) for n in range(1, 4)]
me = as_token(ann.personal_access_tokens.create({"name": "activity", "scopes": ["api"]}).token)
bob_gl = as_token(bob.personal_access_tokens.create({"name": "activity", "scopes": ["api"]}).token)
other_gls = [as_token(user.personal_access_tokens.create({"name": "activity", "scopes": ["api"]}).token) for user in others]
# Lazy: no GET /users/:id (rate limited for non-admins); the managers only need the id.
ann_for_root = gl.users.get(ann.id, lazy=True)

seeded = ingest(
    {
        "source": "python-svc",
        "items": [
            {"id": "m-alpha", "kind": "membership", "user_id": ann.id, **PROJECT_ALPHA},
            {"id": "m-group-one", "kind": "membership", "user_id": ann.id, **GROUP_ONE},
            {"id": "m-beta", "kind": "membership", "user_id": ann.id, **PROJECT_BETA_REQUEST, "requested": True},
            {"id": "m-minimal", "kind": "membership", "user_id": ann.id, **GROUP_MINIMAL},
            *({"id": f"c-{key}", "kind": "contribution", "author_id": ann.id, **item} for key, item in CONTRIBUTIONS),
            {"id": "counts", "kind": "user_counts", "user_id": ann.id, "assigned_issues": 4, "assigned_merge_requests": 3, "review_requested_merge_requests": 2, "todos": 1},
        ],
    }
)
assert seeded == {"status": 201, "body": {"source": "python-svc", "received": 10, "recorded": 10, "duplicates": 0}}, seeded
# The event ids, in the order sent.
EVENT_IDS = {key: event.id for (key, _), event in zip(CONTRIBUTIONS, ann_for_root.events.list(sort="asc", get_all=True))}

# Each user's own request marks them active today.
for client in [me, bob_gl, *other_gls]:
    client.auth()
ACTIVE = sorted([ann, bob, *others], key=lambda user: user.id)


def keys(events) -> list:
    by_id = {event_id: key for key, event_id in EVENT_IDS.items()}
    return [by_id.get(event.id, event.id) for event in events]


@case("seeded")
def _():
    return {"batch": seeded, "event_count": len(EVENT_IDS)}


@case("user_activities")
def _():
    since = utc_day(-1)
    names = [user.username for user in ACTIVE]

    def everyone_active():
        # `from` is a Python keyword: passed through **kwargs, python-gitlab sends it as the query parameter.
        rows = gl.user_activities.list(get_all=True, **{"from": since})
        mine = [row for row in rows if row.username in names]
        return mine if len(mine) == len(names) else None

    mine = poll(everyone_active, what="every user's activity today")
    assert all(type(row).__name__ == "UserActivities" for row in mine)
    every = gl.user_activities.list(get_all=True, per_page=100, **{"from": since})
    paged = gl.user_activities.list(get_all=True, per_page=2, **{"from": since})
    pages = gl.user_activities.list(iterator=True, per_page=2, **{"from": since})
    header = {"total": pages.total, "total_pages": pages.total_pages, "per_page": pages.per_page, "current_page": pages.current_page, "next_page": pages.next_page}
    iterated = [row.asdict() for row in pages]
    return {
        "usernames": [row.username for row in mine],
        "keys": sorted(mine[0].asdict()),
        "days_are_recent": all(row.last_activity_on in (utc_day(0), utc_day(-1)) and row.last_activity_at == row.last_activity_on for row in mine),
        # UserActivities' id is the username.
        "id_is_username": mine[0].get_id() == mine[0].username,
        "paged_equals_one_page": [row.asdict() for row in paged] == [row.asdict() for row in every],
        "iterated_equals_one_page": iterated == [row.asdict() for row in every],
        "iterator_header_matches": header == {"total": len(every), "total_pages": -(-len(every) // 2), "per_page": 2, "current_page": 1, "next_page": 2},
        "future_is_empty": gl.user_activities.list(get_all=True, **{"from": utc_day(3)}) == [],
    }


@case("user_activities_refused")
def _():
    return {
        "non_admin": failure(lambda: bob_gl.user_activities.list(get_all=True), GitlabListError),
        "anonymous": failure(lambda: anonymous.user_activities.list(get_all=True), GitlabAuthenticationError),
        "bad_from": failure(lambda: gl.user_activities.list(get_all=True, **{"from": "soon"}), GitlabListError),
    }


@case("memberships")
def _():
    every = ann_for_root.memberships.list(get_all=True)
    assert all(type(row).__name__ == "UserMembership" for row in every)
    one_per_page = ann_for_root.memberships.list(get_all=True, per_page=1)
    pages = ann_for_root.memberships.list(iterator=True, per_page=1)
    header = {"total": pages.total, "total_pages": pages.total_pages, "per_page": pages.per_page, "current_page": pages.current_page, "next_page": pages.next_page, "prev_page": pages.prev_page}
    second = ann_for_root.memberships.list(page=2, per_page=1, get_all=False)
    return {
        # asdict(): the server's attributes (`attributes` adds the parent's user_id).
        "all": [row.asdict() for row in every],
        "ids": [row.get_id() for row in every],
        "project": [row.asdict() for row in ann_for_root.memberships.list(type="Project", get_all=True)],
        "namespace": [row.asdict() for row in ann_for_root.memberships.list(type="Namespace", get_all=True)],
        "one_per_page": [row.asdict() for row in one_per_page],
        "iterator_header": header,
        "iterated": [row.source_id for row in pages],
        "page_2": [row.source_id for row in second],
        # The lazy parent's id rides along in `attributes`, as the string python-gitlab put in the path.
        "parent_attribute_is_ann_id": every[0].attributes["user_id"] == str(ann.id),
        "nobody": gl.users.get(bob.id, lazy=True).memberships.list(get_all=True),
    }


@case("memberships_refused")
def _():
    return {
        "self_not_admin": failure(lambda: me.users.get(ann.id, lazy=True).memberships.list(get_all=True), GitlabListError),
        "other_not_admin": failure(lambda: bob_gl.users.get(ann.id, lazy=True).memberships.list(type="Project", get_all=True), GitlabListError),
        "anonymous": failure(lambda: anonymous.users.get(ann.id, lazy=True).memberships.list(get_all=True), GitlabAuthenticationError),
        "bad_type": failure(lambda: ann_for_root.memberships.list(type="Group", get_all=True), GitlabListError),
        "bad_type_not_admin": failure(lambda: bob_gl.users.get(ann.id, lazy=True).memberships.list(type="project", get_all=True), GitlabListError),
        "missing_user": failure(lambda: gl.users.get(999999, lazy=True).memberships.list(get_all=True), GitlabListError),
    }


@case("memberships_bad_type_anonymous")
def _():
    # GitLab validates `type` before authenticated_as_admin!: a 400 even without a token.
    return raised(lambda: anonymous.users.get(ann.id, lazy=True).memberships.list(type="Group", get_all=True))


@case("events")
def _():
    newest_first = ann_for_root.events.list(get_all=True)
    assert all(type(event).__name__ == "UserEvent" for event in newest_first)
    push = next(event for event in newest_first if event.id == EVENT_IDS["push"])
    opened = next(event for event in newest_first if event.id == EVENT_IDS["opened-issue"])
    return {
        "newest_first": keys(newest_first),
        "asc": keys(ann_for_root.events.list(sort="asc", get_all=True)),
        "push": push.asdict(),
        "opened_issue": opened.asdict(),
        "created": keys(ann_for_root.events.list(action="created", get_all=True)),
        "issues": keys(ann_for_root.events.list(target_type="issue", sort="asc", get_all=True)),
        "created_merge_requests": keys(ann_for_root.events.list(action="created", target_type="merge_request", get_all=True)),
        "between": keys(ann_for_root.events.list(after="2024-03-01", before="2024-03-04", sort="asc", get_all=True)),
        "before_any": keys(ann_for_root.events.list(before="2024-03-01", get_all=True)),
        "by_username": keys(gl.users.get("pa-ann", lazy=True).events.list(sort="asc", get_all=True)),
    }


@case("events_pages")
def _():
    pages = ann_for_root.events.list(iterator=True, per_page=2, sort="asc")
    header = {"total": pages.total, "total_pages": pages.total_pages, "per_page": pages.per_page, "current_page": pages.current_page, "next_page": pages.next_page}
    return {
        "iterator_header": header,
        "iterated": keys(pages),
        "get_all": keys(ann_for_root.events.list(get_all=True, per_page=2, sort="asc")),
        "page_3": keys(ann_for_root.events.list(page=3, per_page=2, sort="asc", get_all=False)),
        # Without get_all or iterator python-gitlab reads one page only (and warns that there are more).
        "default_first_page": len(ann_for_root.events.list(per_page=2)),
    }


@case("events_visibility")
def _():
    return {
        "author": keys(me.users.get(ann.id, lazy=True).events.list(get_all=True)),
        "other_user": keys(bob_gl.users.get(ann.id, lazy=True).events.list(get_all=True)),
        "anonymous": keys(anonymous.users.get(ann.id, lazy=True).events.list(get_all=True)),
    }


@case("events_refused")
def _():
    return {
        "bad_action": failure(lambda: ann_for_root.events.list(action="opened", get_all=True), GitlabListError),
        "bad_target_type": failure(lambda: ann_for_root.events.list(target_type="Issue", get_all=True), GitlabListError),
        "bad_sort": failure(lambda: ann_for_root.events.list(sort="newest", get_all=True), GitlabListError),
        "bad_after": failure(lambda: ann_for_root.events.list(after="31/12/2024", get_all=True), GitlabListError),
        "missing_id": failure(lambda: gl.users.get(999999, lazy=True).events.list(get_all=True), GitlabListError),
        "missing_username": failure(lambda: anonymous.users.get("pa-nobody", lazy=True).events.list(get_all=True), GitlabListError),
        "no_events": bob_gl.users.get(bob.id, lazy=True).events.list(get_all=True),
    }


@case("user_counts")
def _():
    # No manager in python-gitlab 3.12: the raw client's http_get, which parses the JSON.
    return {
        "mine": me.http_get("/user_counts"),
        "nothing_reported": bob_gl.http_get("/user_counts"),
        "anonymous": failure(lambda: anonymous.http_get("/user_counts"), GitlabAuthenticationError),
    }


@case("associations_count")
def _():
    path = f"/users/{ann.id}/associations_count"
    return {
        "admin": gl.http_get(path),
        "self": me.http_get(path),
        "other_user": failure(lambda: bob_gl.http_get(path), GitlabHttpError),
        "missing_user_for_non_admin": failure(lambda: bob_gl.http_get("/users/999999/associations_count"), GitlabHttpError),
        "anonymous": failure(lambda: anonymous.http_get(path), GitlabAuthenticationError),
    }


case.emit()
