"""python-gitlab: the User state actions, block/unblock, ban/unban, deactivate/activate,
approve/reject. python-gitlab returns what the server answered (true, null, false or a
message object) and, on a truthy answer, sets `user.state` itself; the cases record both
and the state the server then shows. Users pending approval come from a sign-up, which
the jest test opens for this service."""
import gitlab

from client_harness import PASSWORD, URL, Cases, as_root, as_token, new_user_attrs, poll, raised

case = Cases()
gl = as_root()


def server_state(user_id: int) -> str:
    return gl.users.get(user_id).state


def not_found(user_id: int):
    """What reading the user raised once it is a 404, else None (to poll on)."""
    outcome = raised(lambda: gl.users.get(user_id))
    return outcome if outcome.get("code") == 404 else None


def signed_up(username: str):
    """A self-service sign-up (anonymous: no token), then the user as an admin reads it."""
    anonymous = gitlab.Gitlab(URL, timeout=15)
    answer = anonymous.http_post(
        "/users/sign_up",
        post_data={"username": username, "email": f"{username}@example.com", "name": username, "password": PASSWORD},
    )
    return answer, gl.users.get(answer["id"])


@case("block_and_unblock")
def _():
    amy = gl.users.create(new_user_attrs("mod-amy"))
    block = amy.block()
    after_block = {"answer": block, "object_state": amy.state, "server_state": server_state(amy.id)}
    block_again = amy.block()
    unblock = amy.unblock()
    after_unblock = {"answer": unblock, "object_state": amy.state, "server_state": server_state(amy.id)}
    unblock_again = amy.unblock()
    return {
        "block": after_block,
        "block_again": block_again,
        "unblock": after_unblock,
        "unblock_again": {"answer": unblock_again, "object_state": amy.state, "server_state": server_state(amy.id)},
    }


@case("ban_and_unban")
def _():
    ben = gl.users.create(new_user_attrs("mod-ben"))
    ban = ben.ban()
    after_ban = {"answer": ban, "object_state": ben.state, "server_state": server_state(ben.id)}
    ban_again = raised(ben.ban)
    unban = ben.unban()
    after_unban = {"answer": unban, "object_state": ben.state, "server_state": server_state(ben.id)}
    return {"ban": after_ban, "ban_again": ban_again, "unban": after_unban, "unban_again": raised(ben.unban)}


@case("ban_a_blocked_user")
def _():
    cal = gl.users.create(new_user_attrs("mod-cal"))
    cal.block()
    return {"ban": raised(cal.ban), "server_state": server_state(cal.id)}


@case("deactivate_and_activate")
def _():
    # Created by root and never signed in nor used a token: dormant, so deactivatable.
    dee = gl.users.create(new_user_attrs("mod-dee"))
    deactivate = dee.deactivate()
    after_deactivate = {"answer": deactivate, "object_state": dee.state, "server_state": server_state(dee.id)}
    deactivate_again = dee.deactivate()
    unblock = raised(dee.unblock)
    activate = dee.activate()
    return {
        "deactivate": after_deactivate,
        "deactivate_again": deactivate_again,
        "unblock_deactivated": unblock,
        "activate": {"answer": activate, "object_state": dee.state, "server_state": server_state(dee.id)},
    }


@case("deactivate_recently_active")
def _():
    eve = gl.users.create(new_user_attrs("mod-eve"))
    token = eve.personal_access_tokens.create({"name": "own", "scopes": ["read_user"]}).token
    as_token(token).auth()
    # The request's activity is recorded by a job: wait until it shows on the user.
    poll(lambda: gl.users.get(eve.id).last_activity_on, what="the activity of mod-eve")
    return {"deactivate": raised(eve.deactivate), "server_state": server_state(eve.id)}


@case("approve_pending")
def _():
    answer, fay = signed_up("mod-fay")
    state_before = fay.state
    approve = fay.approve()
    return {
        "sign_up_state": answer["state"],
        "state_before": state_before,
        "approve": approve,
        "server_state": server_state(fay.id),
        "approve_again": raised(fay.approve),
    }


@case("reject_pending")
def _():
    _answer, gus = signed_up("mod-gus")
    reject = gus.reject()
    # A job deletes the rejected user after the answer.
    gone = poll(lambda: not_found(gus.id), what="mod-gus deleted")
    return {"state_before": gus.state, "reject": reject, "get_after": gone}


@case("reject_active_user")
def _():
    hal = gl.users.create(new_user_attrs("mod-hal"))
    return {"reject": raised(hal.reject), "approve": raised(hal.approve)}


@case("block_self_and_missing_user")
def _():
    root = gl.users.get(1, lazy=True)
    return {"self": raised(root.block), "missing": raised(gl.users.get(999999, lazy=True).block), "root_state": server_state(1)}


case.emit()
