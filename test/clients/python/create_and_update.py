"""python-gitlab: users created and changed as JSON and, when a file is set, as multipart
(python-gitlab then sends booleans as "1"/"0"), read back through the client."""
import io

import requests

from client_harness import Cases, as_root, avatar_bytes, new_user_attrs, raised

case = Cases()
gl = as_root()
PROFILE = ("id", "username", "email", "name", "bio", "location", "projects_limit", "state", "external", "private_profile", "is_admin", "can_create_group")


def profile(user) -> dict:
    fields = {name: user.attributes.get(name) for name in PROFILE}
    fields["class"] = type(user).__name__
    fields["confirmed"] = user.attributes.get("confirmed_at") is not None
    return fields


@case("create_json")
def _():
    carol = gl.users.create(new_user_attrs("cu-carol", bio="Platform team", location="Berlin", projects_limit=5))
    return {**profile(carol), "avatar_url": carol.avatar_url, "web_url": carol.web_url}


@case("get_by_id")
def _():
    return profile(gl.users.get(gl.users.list(username="cu-carol", get_all=False)[0].id))


@case("create_multipart_with_avatar")
def _():
    dave = gl.users.create(new_user_attrs("cu-dave", external=True, private_profile=True, avatar=io.BytesIO(avatar_bytes())))
    return {**profile(dave), "avatar_url": dave.avatar_url}


@case("avatar_is_served")
def _():
    dave = gl.users.list(username="cu-dave", get_all=False)[0]
    answer = requests.get(dave.avatar_url, timeout=15)
    return {"status": answer.status_code, "content_type": answer.headers.get("Content-Type"), "same_bytes": answer.content == avatar_bytes()}


@case("save_json")
def _():
    carol = gl.users.list(username="cu-carol", get_all=False)[0]
    carol.bio = "Changed by save()"
    carol.location = "Lisbon"
    carol.save()
    # save() refreshes the object from the answer; a fresh GET must agree.
    return {"after_save": profile(carol), "fresh": profile(gl.users.get(carol.id))}


@case("save_multipart_with_avatar")
def _():
    dave = gl.users.list(username="cu-dave", get_all=False)[0]
    dave.external = False
    dave.private_profile = False
    dave.bio = "Sent as multipart"
    dave.avatar = io.BytesIO(avatar_bytes())
    dave.save()
    fresh = gl.users.get(dave.id)
    return {**profile(fresh), "avatar_url": fresh.avatar_url}


@case("update_through_manager")
def _():
    carol = gl.users.list(username="cu-carol", get_all=False)[0]
    # The manager's update() insists on email, username and name (python-gitlab's required update attrs).
    answer = gl.users.update(carol.id, {"email": carol.email, "username": carol.username, "name": "Carol Renamed", "organization": "ACME"})
    fresh = gl.users.get(carol.id)
    return {"answer_name": answer["name"], "name": fresh.name, "organization": fresh.organization, "email": fresh.email}


@case("email_change_skipping_reconfirmation")
def _():
    carol = gl.users.list(username="cu-carol", get_all=False)[0]
    carol.email = "cu-carol.new@example.com"
    carol.skip_reconfirmation = True
    carol.save()
    fresh = gl.users.get(carol.id)
    return {"email": fresh.email, "unconfirmed_email": fresh.attributes.get("unconfirmed_email")}


@case("update_to_taken_email")
def _():
    dave = gl.users.list(username="cu-dave", get_all=False)[0]
    dave.email = "cu-carol.new@example.com"
    dave.skip_reconfirmation = True
    return raised(dave.save)


@case("update_missing_user")
def _():
    return raised(lambda: gl.users.update(999999, {"email": "x@example.com", "username": "x", "name": "X"}))


case.emit()
