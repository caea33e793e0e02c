"""Who may run which command: the one authorisation policy, applied by `commands.run()` to every
change from the web, the API and the command line alike.

Administrators may run every command; clerks enter returns (tally sheets, ballot batches);
observers change nothing; anyone enrols their own second factor (`user.totp.enrol`), nobody
another's. A command not named here is for administrators only (`user.totp.reset` among them).
"""

from __future__ import annotations

from typing import Any

from hustings.domain.errors import PermissionDenied, RuleViolation
from hustings.domain.online import BOARD_ACCOUNT
from hustings.domain.users import Role
from hustings.services.identity import Signer
from hustings.services.ports import UnitOfWork

ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})
ENTER_RETURNS = frozenset({Role.ADMINISTRATOR, Role.CLERK})

POLICY: dict[str, frozenset[Role]] = {
    "tally.import": ENTER_RETURNS,
    "tally.enter": ENTER_RETURNS,
    "ballots.import": ENTER_RETURNS,
    "ballots.confirm": ENTER_RETURNS,
    "pollbook.mark": ENTER_RETURNS,  # a station's marked register (issue 12)
}
# Online voting (issue 12): a cast is self-authenticating (the credential's signature); its
# entry is signed by the server's board account, which may run that command and nothing else.
# A trustee's steps are run by the user named as that trustee when the online poll was set up.
BOARD_COMMANDS = frozenset({"online.cast"})
TRUSTEE_COMMANDS = frozenset({"online.boxkey", "online.deal", "online.complain",
                              "online.answer", "online.share"})
BOOTSTRAP = frozenset({"user.init"})  # run by the first administrator, before any user exists
SELF_SERVICE = frozenset({"user.passwd"})  # anyone for themselves, administrators for anyone
SELF_ONLY = frozenset({"user.totp.enrol"})  # anyone for themselves, nobody for another

HOW_TO_AUTHENTICATE = ("this command changes data, so it must run as a user: give --user NAME "
                       "(or set HUSTINGS_USER) and the password in HUSTINGS_PASSWORD or at the "
                       "prompt; on a new database create the first administrator with "
                       "`hustings init --admin NAME`")


def allowed_roles(command: str) -> frozenset[Role]:
    return POLICY.get(command, ADMINISTRATORS)


def may(role: Role, command: str) -> bool:
    return role in allowed_roles(command)


def authorise(uow: UnitOfWork, signer: Signer | None, command: str,
              payload: dict[str, Any]) -> Role:
    """The signer's role (as stored now) if they may run `command`; PermissionDenied otherwise.

    Checked inside the command's transaction, so a user disabled a moment ago is refused.
    """
    if signer is None:
        raise PermissionDenied(HOW_TO_AUTHENTICATE)
    if command in BOOTSTRAP:
        if uow.users.all():
            raise RuleViolation("users exist already: the first administrator is created only "
                                "on a database without users (ask an administrator for an "
                                "account: hustings user add)")
        return signer.role
    user = uow.users.get(signer.username)
    if user is None or user.disabled:
        state = "does not exist" if user is None else "is disabled"
        raise PermissionDenied(f"user {signer.username!r} {state}")
    if user.public_key != signer.public_key:
        raise PermissionDenied(f"the signing key opened for {signer.username!r} is not the key "
                               "registered for them: sign in again")
    if command in SELF_ONLY:
        if payload.get("username") != signer.username:
            raise PermissionDenied(f"{command} is for yourself only")
        return user.role
    if command in SELF_SERVICE and payload.get("username") == signer.username:
        return user.role
    if (command in BOARD_COMMANDS) != (user.username == BOARD_ACCOUNT):
        raise PermissionDenied(f"only the server's board account runs {command}" if
                               command in BOARD_COMMANDS else
                               f"the board account may not run {command}")
    if command in BOARD_COMMANDS:
        return user.role
    if command in TRUSTEE_COMMANDS:
        if _trustee_of(uow, payload) != user.username:
            raise PermissionDenied(f"{user.username} is not trustee {payload.get('trustee')} "
                                   "of this online poll: each trustee acts as themselves")
        return user.role
    if not may(user.role, command):
        raise PermissionDenied(f"{_a(user.role.value)} may not run {command} "
                               f"({', '.join(sorted(r.value for r in allowed_roles(command)))} "
                               "only)")
    return user.role


def _trustee_of(uow: UnitOfWork, payload: dict[str, Any]) -> str | None:
    for trustee in uow.online.trustees(str(payload.get("online"))):
        if trustee.number == payload.get("trustee"):
            return trustee.username
    return None


def _a(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"
