"""python-gitlab: the credential managers as their users call them: SSH keys and GPG keys (the
current user's and a given user's), e-mails, personal access tokens (python-gitlab 3.12 lists and
deletes them; self and rotate go through its generic http_get/http_post) and impersonation tokens.
Keys are made here with ssh-keygen and gpg."""
import datetime
import os
import subprocess
import tempfile

from client_harness import Cases, as_root, as_token, new_user_attrs, raised

case = Cases()
gl = as_root()
ivy = gl.users.create(new_user_attrs("cred-ivy"))
ivy_token = ivy.personal_access_tokens.create({"name": "client", "scopes": ["api"]}).token
me = as_token(ivy_token)
me.auth()
in_days = lambda days: (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def ssh_key(comment: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "key")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path], check=True)
        with open(path + ".pub", encoding="utf-8") as public:
            return public.read().strip()


def gpg_key(email: str) -> str:
    with tempfile.TemporaryDirectory() as home:
        run = lambda *args: subprocess.run(["gpg", "--homedir", home, "--batch", *args], check=True, capture_output=True, text=True)
        run("--passphrase", "", "--quick-gen-key", f"Ivy <{email}>", "ed25519", "sign", "never")
        return run("--armor", "--export", email).stdout.strip()


@case("ssh_keys")
def _():
    key = ssh_key("ivy@laptop")
    mine = me.user.keys.create({"title": "laptop", "key": key})
    listed = [k.id for k in me.user.keys.list()]
    shown = me.user.keys.get(mine.id)
    duplicate = raised(lambda: gl.users.get(1, lazy=True).keys.create({"title": "dup", "key": key}))
    given = ivy.keys.create({"title": "given", "key": ssh_key("given")})
    of_user = sorted(k.title for k in ivy.keys.list())
    one_of_user = ivy.keys.get(given.id).title
    given.delete()
    mine.delete()
    return {
        "title": mine.title,
        "published_comment": " ".join(mine.key.split(" ")[2:]),
        "listed_is_mine": listed == [mine.id],
        "shown_title": shown.title,
        "duplicate": {"type": duplicate["type"], "code": duplicate["code"], "message": duplicate["message"]},
        "of_user": of_user,
        "one_of_user": one_of_user,
        "after_delete": [k.id for k in me.user.keys.list()],
    }


@case("gpg_keys")
def _():
    armored = gpg_key("ivy@example.org")
    mine = me.user.gpgkeys.create({"key": armored})
    shown = me.user.gpgkeys.get(mine.id)
    garbage = raised(lambda: me.user.gpgkeys.create({"key": "not a key"}))
    given = ivy.gpgkeys.create({"key": gpg_key("other@example.org")})
    of_user = [k.id for k in ivy.gpgkeys.list()]
    given.delete()
    mine.delete()
    return {
        "key_round_trips": shown.key == armored,
        "of_user": of_user == [mine.id, given.id],
        "garbage": {"type": garbage["type"], "code": garbage["code"]},
        "after_delete": [k.id for k in me.user.gpgkeys.list()],
    }


@case("emails")
def _():
    mine = me.user.emails.create({"email": "Ivy.Second@Example.org"})
    shown = me.user.emails.get(mine.id)
    confirmed = ivy.emails.create({"email": "ivy.third@example.org", "skip_confirmation": True})
    taken = raised(lambda: me.user.emails.create({"email": "admin@example.com"}))
    listed = sorted(e.email for e in ivy.emails.list())
    confirmed.delete()
    mine.delete()
    return {
        "email": mine.email,
        "confirmed_at": mine.confirmed_at,
        "shown": shown.email,
        "admin_confirmed": confirmed.confirmed_at is not None,
        "listed": listed,
        "taken": {"type": taken["type"], "code": taken["code"], "message": taken["message"]},
        "after_delete": [e.email for e in me.user.emails.list()],
    }


@case("personal_access_tokens")
def _():
    made = ivy.personal_access_tokens.create({"name": "rotating", "scopes": ["read_api"], "expires_at": in_days(20)})
    listed = sorted(t.name for t in me.personal_access_tokens.list())
    by_admin = sorted(t.name for t in gl.personal_access_tokens.list(user_id=ivy.id))
    self_token = as_token(made.token).http_get("/personal_access_tokens/self")
    rotated = me.http_post(f"/personal_access_tokens/{made.id}/rotate", post_data={"expires_at": in_days(5)})
    old_after = gl.http_get(f"/personal_access_tokens/{made.id}")
    me.personal_access_tokens.delete(rotated["id"])
    spare = ivy.personal_access_tokens.create({"name": "spare", "scopes": ["api"]}).token
    as_token(spare).http_delete("/personal_access_tokens/self")
    revoked_use = raised(lambda: as_token(spare).http_get("/user"))
    return {
        "listed": listed,
        "by_admin": by_admin,
        "self": {"name": self_token["name"], "scopes": self_token["scopes"]},
        "rotated": {"name": rotated["name"], "expires_at": rotated["expires_at"] == in_days(5), "token_prefix": rotated["token"][:6]},
        "old_after": {"revoked": old_after["revoked"], "active": old_after["active"]},
        "revoked_use": {"type": revoked_use["type"], "code": revoked_use["code"]},
    }


@case("impersonation_tokens")
def _():
    made = ivy.impersonationtokens.create({"name": "support", "scopes": ["api"], "expires_at": in_days(3)})
    acting = as_token(made.token)
    acting.auth()
    active = [t.id for t in ivy.impersonationtokens.list(state="active")]
    shown = ivy.impersonationtokens.get(made.id)
    # python-gitlab itself requires `scopes`: an unknown one reaches the server's model.
    bad = raised(lambda: ivy.impersonationtokens.create({"name": "odd", "scopes": ["launch_rockets"], "expires_at": in_days(3)}))
    ivy.impersonationtokens.delete(made.id)
    inactive = [t.id for t in ivy.impersonationtokens.list(state="inactive")]
    return {
        "impersonation": made.impersonation,
        "acts_as": acting.user.username,
        "active": active == [made.id],
        "shown": shown.name,
        "bad": {"type": bad["type"], "code": bad["code"], "body": bad["body"]},
        "inactive": inactive == [made.id],
    }


case.emit()
