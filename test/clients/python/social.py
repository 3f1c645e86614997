"""python-gitlab: following and status as its users call them. User.follow() / User.unfollow()
(which return the server's dict, and raise GitlabFollowError / GitlabUnfollowError on anything but
2xx, our empty 304 included), user.followers_users / user.following_users (offset pages through
the Link headers, and keyset cursors), gl.user.status (CurrentUserStatus: get, change, save()) and
user.status (UserStatus of another user). Each case asserts what it can here and records the values
for the jest test (test/clients/python-gitlab-social.test.ts)."""
import datetime
import re

import gitlab
from gitlab.exceptions import GitlabFollowError, GitlabUnfollowError

from client_harness import URL, Cases, as_root, as_token, new_user_attrs

case = Cases()
gl = as_root()

USER_BASIC_KEYS = ["avatar_url", "id", "locked", "name", "state", "username", "web_url"]
GRAVATAR = re.compile(r"^https://www\.gravatar\.com/avatar/[0-9a-f]{64}\?s=80&d=identicon$")

ann = gl.users.create(new_user_attrs("soc-ann"))
bob = gl.users.create(new_user_attrs("soc-bob"))
hub = gl.users.create(new_user_attrs("soc-hub"))
fans = sorted((gl.users.create(new_user_attrs(f"soc-fan-{n}")) for n in range(1, 4)), key=lambda user: user.id)
fan_ids = [fan.id for fan in fans]
for fan in fans:
    # Each fan follows hub as itself: python-gitlab sends `sudo` as a query parameter.
    hub.follow(sudo=fan.id)

me = as_token(ann.personal_access_tokens.create({"name": "social", "scopes": ["api"]}).token)
me.auth()
# Lazy objects: GET /users/:id as a non-admin is rate limited, and follow() only needs the id.
bob_for_me = me.users.get(bob.id, lazy=True)
hub_for_me = me.users.get(hub.id, lazy=True)


def ids(users) -> list:
    return [user.id for user in users]


def failure(action, expected_type) -> dict:
    """Runs an action that must raise `expected_type`; records its code and message."""
    try:
        value = action()
    except gitlab.GitlabError as exc:
        assert isinstance(exc, expected_type), f"{type(exc).__name__} is not {expected_type.__name__}"
        return {"type": type(exc).__name__, "code": exc.response_code, "message": exc.error_message, "body": exc.response_body.decode()}
    raise AssertionError(f"expected {expected_type.__name__}, got {value!r}")


@case("follow")
def _():
    answer = bob_for_me.follow()
    # Not a RESTObject: the server's UserBasic, parsed.
    assert isinstance(answer, dict)
    assert sorted(answer) == USER_BASIC_KEYS, sorted(answer)
    assert answer["id"] == bob.id and answer["username"] == "soc-bob" and answer["state"] == "active"
    assert GRAVATAR.match(answer["avatar_url"]), answer["avatar_url"]
    seen = me.users.get(bob.id)
    return {
        "answer": {k: v for k, v in answer.items() if k != "avatar_url"},
        "seen_by_follower": {"followers": seen.followers, "following": seen.following, "is_followed": seen.is_followed},
    }


@case("follow_again_304")
def _():
    # The 304 is not 2xx: http_request raises GitlabHttpError, which follow()'s decorator turns into
    # GitlabFollowError; the empty body makes an empty message (bytes b"" decoded to "").
    raised_ = failure(bob_for_me.follow, GitlabFollowError)
    assert raised_ == {"type": "GitlabFollowError", "code": 304, "message": "", "body": ""}, raised_
    return {"raised": raised_, "followers_are_only_me": ids(bob.followers_users.list(get_all=True)) == [ann.id]}


@case("follow_yourself_304")
def _():
    return failure(me.users.get(ann.id, lazy=True).follow, GitlabFollowError)


@case("follow_missing_user")
def _():
    return failure(me.users.get(999999, lazy=True).follow, GitlabFollowError)


@case("unfollow")
def _():
    cleo = gl.users.create(new_user_attrs("soc-cleo"))
    cleo_for_me = me.users.get(cleo.id, lazy=True)
    cleo_for_me.follow()
    answer = cleo_for_me.unfollow()
    assert isinstance(answer, dict) and answer["id"] == cleo.id and sorted(answer) == USER_BASIC_KEYS, answer
    again = failure(cleo_for_me.unfollow, GitlabUnfollowError)
    assert again["code"] == 304 and again["message"] == ""
    return {"answer": {"id": answer["id"], "username": answer["username"]}, "again": again, "followers_after": ids(cleo.followers_users.list(get_all=True))}


@case("followers_users")
def _():
    hub_ = me.users.get(hub.id, lazy=True)
    every = hub_.followers_users.list(get_all=True, per_page=2)
    assert ids(every) == fan_ids, (ids(every), fan_ids)
    assert all(type(user).__name__ == "User" for user in every)
    pages = hub_.followers_users.list(iterator=True, per_page=2)
    header = {"total": pages.total, "total_pages": pages.total_pages, "per_page": pages.per_page, "current_page": pages.current_page, "next_page": pages.next_page, "prev_page": pages.prev_page}
    iterated = ids(pages)
    second = ids(hub_.followers_users.list(page=2, per_page=2, get_all=False))
    keyset = ids(hub_.followers_users.list(iterator=True, pagination="keyset", per_page=2))
    keyset_all = ids(hub_.followers_users.list(get_all=True, pagination="keyset", per_page=1))
    assert iterated == keyset == keyset_all == fan_ids
    assert second == fan_ids[2:]
    return {
        "usernames": [user.username for user in every],
        # asdict(): the server's attributes only (`attributes` adds the parent's user_id).
        "keys": sorted(every[0].asdict()),
        "iterator_header": header,
        "page_2": second == fan_ids[2:],
        "keyset": keyset == fan_ids,
        "keyset_one_per_page": keyset_all == fan_ids,
    }


@case("following_users")
def _():
    hub_for_me.follow()
    try:
        mine = ids(me.users.get(ann.id, lazy=True).following_users.list(get_all=True, per_page=1))
        fan_follows = [user.username for user in fans[0].following_users.list(get_all=True)]
    finally:
        hub_for_me.unfollow()
    assert mine == sorted([bob.id, hub.id]), mine
    after_unfollow = ids(me.users.get(ann.id, lazy=True).following_users.list(get_all=True))
    return {"mine": mine == sorted([bob.id, hub.id]), "fan_follows": fan_follows, "after_unfollow_only_bob": after_unfollow == [bob.id]}


@case("lists_of_a_missing_user")
def _():
    missing = me.users.get(999999, lazy=True)
    return {
        "followers": failure(lambda: missing.followers_users.list(get_all=True), gitlab.exceptions.GitlabListError),
        "following": failure(lambda: missing.following_users.list(get_all=True), gitlab.exceptions.GitlabListError),
    }


@case("current_user_status")
def _():
    status = me.user.status.get()
    assert type(status).__name__ == "CurrentUserStatus"
    empty = status.asdict()
    status.emoji = "coffee"
    status.message = "Deep work :coffee:"
    status.clear_status_after = "1_day"
    before = datetime.datetime.now(datetime.timezone.utc)
    saved = status.save()
    after = datetime.datetime.now(datetime.timezone.utc)
    # save() hands back the server's answer and reloads the object from it.
    assert saved == status.attributes, (saved, status.attributes)
    assert status.emoji == "coffee" and status.availability == "not_set"
    assert status.message_html == 'Deep work <gl-emoji title="hot beverage" data-name="coffee">\u2615</gl-emoji>', status.message_html
    clears_at = datetime.datetime.fromisoformat(status.clear_status_at.replace("Z", "+00:00"))
    day = datetime.timedelta(days=1)
    assert before + day - datetime.timedelta(seconds=1) <= clears_at <= after + day + datetime.timedelta(seconds=1), (before, clears_at, after)
    reread = me.user.status.get()
    assert reread.attributes == status.attributes
    return {"empty": empty, "saved": {k: v for k, v in saved.items() if k != "clear_status_at"}, "reread_matches": reread.attributes == status.attributes}


@case("current_user_status_change_one_field")
def _():
    status = me.user.status.get()
    status.message = "Lunch"
    status.availability = "busy"
    status.save()
    # python-gitlab PUTs only the attributes changed on the object, and PUT /user/status replaces
    # the whole status: the emoji not sent falls back to speech_balloon, the expiry to none.
    assert status.emoji == "speech_balloon" and status.clear_status_at is None, status.attributes
    return status.asdict()


@case("user_status_of_another_user")
def _():
    theirs = gl.users.get(ann.id, lazy=True).status.get()
    assert type(theirs).__name__ == "UserStatus"
    anonymous = gitlab.Gitlab(URL, timeout=15)
    without_token = anonymous.users.get(ann.id, lazy=True).status.get()
    assert without_token.attributes == theirs.attributes
    missing = failure(lambda: gl.users.get(999999, lazy=True).status.get(), gitlab.exceptions.GitlabGetError)
    # The manager's parent attribute rides along in `attributes`, as the id the lazy user was given.
    assert theirs.attributes["user_id"] == str(ann.id), theirs.attributes
    return {"status": theirs.asdict(), "without_token_matches": True, "missing": missing}


@case("current_user_status_bad_emoji")
def _():
    status = me.user.status.get()
    status.emoji = "not_an_emoji"
    bad = failure(status.save, gitlab.exceptions.GitlabUpdateError)
    unchanged = me.user.status.get()
    return {"raised": bad, "unchanged": {"emoji": unchanged.emoji, "message": unchanged.message}}


@case("current_user_status_clear")
def _():
    status = me.user.status.get()
    status.emoji = ""
    status.message = ""
    status.availability = "not_set"
    # The server answers `null` for a removed status; save() returns it as None.
    saved = status.save()
    assert saved is None
    return {"saved": saved, "after": me.user.status.get().asdict(), "as_seen_by_root": gl.users.get(ann.id, lazy=True).status.get().asdict()}


case.emit()
