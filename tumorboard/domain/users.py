"""Who may do what: roles and the permissions they carry (issue: users and roles).

Services check these; the GUI only mirrors them (a hidden button is a courtesy, not a control).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tumorboard.domain.meeting import Discipline


class Role(StrEnum):
    VIEWER = "viewer"
    CLINICIAN = "clinician"
    COORDINATOR = "coordinator"
    CHAIR = "chair"
    ADMIN = "admin"


class Permission(StrEnum):
    EDIT_CASES = "edit cases"
    PLAN_MEETINGS = "plan meetings and agendas"
    RECORD_DECISIONS = "record decisions and attendance"
    SIGN_OFF = "sign off and amend meetings"
    FOLLOW_UP = "record implementation checks"
    MANAGE_USERS = "manage user accounts"
    CHANGE_SETTINGS = "change department settings"
    EXPORT_PATIENT_DATA = "export patient data (case documents, minutes)"
    COPY_RECORD = "back up or restore the whole database"


_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset(),
    # Patient data leaves the system (a file, paper) only through the clinical roles; a viewer
    # reads on screen. Every export is recorded in the audit trail.
    Role.CLINICIAN: frozenset({_P.EDIT_CASES, _P.RECORD_DECISIONS, _P.FOLLOW_UP, _P.EXPORT_PATIENT_DATA}),
    Role.COORDINATOR: frozenset({_P.EDIT_CASES, _P.PLAN_MEETINGS, _P.RECORD_DECISIONS, _P.FOLLOW_UP,
                                 _P.EXPORT_PATIENT_DATA}),
    Role.CHAIR: frozenset({_P.EDIT_CASES, _P.PLAN_MEETINGS, _P.RECORD_DECISIONS, _P.FOLLOW_UP,
                           _P.SIGN_OFF, _P.EXPORT_PATIENT_DATA}),
    # The administrator manages accounts and policy, not patients: a separate clinical role is
    # needed to touch clinical data, so account management never doubles as clinical access.
    # Backing up or restoring copies or replaces every patient's record at once: the administrator
    # only, and audited (``tumorboard db backup`` / ``db restore``).
    Role.ADMIN: frozenset({_P.MANAGE_USERS, _P.CHANGE_SETTINGS, _P.COPY_RECORD}),
}


class AccessDenied(PermissionError):
    """The signed-in user's role does not allow the action; the message says which role would."""


@dataclass(frozen=True, slots=True)
class User:
    username: str
    display_name: str
    role: Role
    discipline: Discipline | None = None
    demo: bool = False

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


def require(user: User | None, permission: Permission, accounts_exist: bool) -> None:
    """Refuse ``permission`` unless ``user`` holds it. Before the first account exists (a new
    single-user database) there is nobody to check against and everything is allowed."""
    if user is None:
        if accounts_exist:
            raise AccessDenied(f"sign in first: to {permission.value} you need an account")
        return
    if not user.can(permission):
        allowed = ", ".join(r.value for r in Role if permission in ROLE_PERMISSIONS[r])
        raise AccessDenied(f"{user.display_name} ({user.role.value}) may not {permission.value}; "
                           f"that needs the role {allowed}")
