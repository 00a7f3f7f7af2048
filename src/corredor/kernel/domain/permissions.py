"""Who may do what: the permission vocabulary, the roles, and which role holds which permission.

Permissions are `subject:action` strings (warehouse's style) so a route, an audit entry and a
policy review all speak the same words. To add a permission, add a member to `Permission` and
add it to the roles that hold it in `ROLE_PERMISSIONS`; nothing else needs to change.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Permission(StrEnum):
    REFERENCE_READ = "reference:read"
    CASE_CREATE = "case:create"
    CASE_LIST = "case:list"
    CASE_READ = "case:read"  # the case with its personal data (scoped for applicants)
    CASE_READ_STATUS = "case:read_status"  # state and timeline only, no personal data
    CASE_WITHDRAW = "case:withdraw"
    CASE_ASSIGN = "case:assign"  # give a case to a caseworker (or their agency at a site), end it
    HOUSEHOLD_UPDATE = "household:update"
    TVRH_ISSUE = "tvrh:issue"
    TVRH_RENEW = "tvrh:renew"
    TVRH_EXPIRE = "tvrh:expire"
    CONSENT_RECORD = "consent:record"
    CONSENT_REVOKE = "consent:revoke"
    DISCLOSURE_CREATE = "disclosure:create"
    DISCLOSURE_READ = "disclosure:read"
    DISCLOSURE_REVOKE = "disclosure:revoke"
    PAROLE_APPLY = "parole:apply"
    VETTING_RUN = "vetting:run"
    PAROLE_DECIDE = "parole:decide"
    ADMISSION_RECORD = "admission:record"
    REFERRAL_CREATE = "referral:create"
    REFERRAL_DECIDE = "referral:decide"
    AUDIT_READ = "audit:read"
    AUDIT_VERIFY = "audit:verify"
    USER_CREATE = "user:create"
    USER_LIST = "user:list"
    USER_DISABLE = "user:disable"  # and enable again
    USER_ROLE = "user:role"  # change an account's role (and agency)
    PERSON_ERASE = "person:erase"  # destroys a person's data key: irreversible
    DOCUMENT_READ = "document:read"  # own documents for applicants; with the case otherwise
    DOCUMENT_REVOKE = "document:revoke"  # by the issuing agency only
    DOCUMENT_VERIFY_TRAVEL = "document:verify_travel"  # airline, port of entry, checkpoint
    DOCUMENT_VERIFY_WORK = "document:verify_work"  # employer: yes/no, no profile
    CAPACITY_UPDATE = "capacity:update"
    ALLOCATION_WINDOW = "allocation:window"
    ALLOCATION_RUN = "allocation:run"
    ALLOCATION_REQUEST = "allocation:request"
    ALLOCATION_READ_OWN_POSITION = "allocation:read_own_position"
    BOOKING_CONFIRM = "booking:confirm"
    BOOKING_CANCEL = "booking:cancel"
    BOOKING_RESCHEDULE = "booking:reschedule"
    BOOKING_NO_SHOW = "booking:no_show"
    BOOKING_CHECK_IN = "booking:check_in"
    SHELTER_OCCUPANCY_RECORD = "shelter:occupancy_record"  # for the shelters one staffs
    SHELTER_OCCUPANCY_READ = "shelter:occupancy_read"  # their own shelters' history
    PERSON_MATCH_READ = "person:match_read"  # possible duplicates of a registered person
    PERSON_MATCH_DECIDE = "person:match_decide"  # same person, different people, or review
    PERSON_PHOTO_CAPTURE = "person:photo_capture"  # the holder's photo, at the INM desk
    PERSON_PHOTO_READ = "person:photo_read"  # with the case (scoped for applicants, caseworkers)


class Role(StrEnum):
    APPLICANT = "applicant"
    INM_OFFICER = "inm_officer"
    CBP_OFFICER = "cbp_officer"
    CASEWORKER = "caseworker"
    SHELTER_STAFF = "shelter_staff"
    AUDITOR = "auditor"
    ADMIN = "admin"
    AIRLINE_AGENT = "airline_agent"  # checks travel documents at boarding: yes/no only
    EMPLOYER = "employer"  # checks work authorization: yes/no only


class Agency(StrEnum):
    INM = "INM"
    CBP = "CBP"
    UNHCR = "UNHCR"
    IOM = "IOM"
    NGO = "NGO"
    SHELTER = "SHELTER"


P = Permission

# What the officers who run a site's appointments (INM at its points, CBP at its sites) may do.
ALLOCATION_OFFICER: Final = (
    P.CAPACITY_UPDATE,
    P.ALLOCATION_WINDOW,
    P.ALLOCATION_RUN,
    P.ALLOCATION_READ_OWN_POSITION,
    P.BOOKING_CANCEL,
    P.BOOKING_NO_SHOW,
    P.BOOKING_CHECK_IN,
)

ROLE_PERMISSIONS: Final[dict[Role, frozenset[Permission]]] = {
    # An applicant acts on their own case only; the service layer enforces the scope. A
    # caseworker likewise acts only on the cases assigned to them (cases.records.visible_case).
    Role.APPLICANT: frozenset(
        {
            P.REFERENCE_READ,
            P.CASE_LIST,
            P.CASE_READ,
            P.CASE_READ_STATUS,
            P.CASE_WITHDRAW,
            P.CASE_ASSIGN,
            P.CONSENT_RECORD,
            P.CONSENT_REVOKE,
            P.PAROLE_APPLY,
            P.DOCUMENT_READ,
            P.ALLOCATION_REQUEST,
            P.ALLOCATION_READ_OWN_POSITION,
            P.BOOKING_CONFIRM,
            P.BOOKING_CANCEL,
            P.BOOKING_RESCHEDULE,
            P.PERSON_PHOTO_READ,
        }
    ),
    Role.INM_OFFICER: frozenset(
        {
            P.REFERENCE_READ,
            P.CASE_CREATE,
            P.CASE_LIST,
            P.CASE_READ,
            P.CASE_READ_STATUS,
            P.CASE_WITHDRAW,
            P.CASE_ASSIGN,
            P.HOUSEHOLD_UPDATE,
            P.TVRH_ISSUE,
            P.TVRH_RENEW,
            P.TVRH_EXPIRE,
            P.CONSENT_RECORD,
            P.DISCLOSURE_CREATE,
            P.DISCLOSURE_REVOKE,
            P.DOCUMENT_READ,
            P.DOCUMENT_REVOKE,
            P.DOCUMENT_VERIFY_TRAVEL,
            P.REFERRAL_DECIDE,
            *ALLOCATION_OFFICER,
            P.ALLOCATION_REQUEST,
            P.PERSON_MATCH_READ,
            P.PERSON_MATCH_DECIDE,
            P.PERSON_PHOTO_CAPTURE,
            P.PERSON_PHOTO_READ,
        }
    ),
    # CBP sees personal data only through a disclosure, never through the case itself.
    Role.CBP_OFFICER: frozenset(
        {
            P.REFERENCE_READ,
            P.CASE_LIST,
            P.CASE_READ_STATUS,
            P.DISCLOSURE_READ,
            P.VETTING_RUN,
            P.PAROLE_DECIDE,
            P.ADMISSION_RECORD,
            P.DOCUMENT_REVOKE,
            P.DOCUMENT_VERIFY_TRAVEL,
            P.REFERRAL_DECIDE,
            *ALLOCATION_OFFICER,
        }
    ),
    Role.CASEWORKER: frozenset(
        {
            P.REFERENCE_READ,
            P.CASE_LIST,
            P.CASE_READ,
            P.CASE_READ_STATUS,
            P.CASE_WITHDRAW,
            P.CONSENT_RECORD,
            P.CONSENT_REVOKE,
            P.PAROLE_APPLY,
            P.REFERRAL_CREATE,
            P.DOCUMENT_READ,
            P.ALLOCATION_REQUEST,
            P.ALLOCATION_READ_OWN_POSITION,
            P.BOOKING_CONFIRM,
            P.BOOKING_CANCEL,
            P.BOOKING_RESCHEDULE,
            P.PERSON_PHOTO_READ,
        }
    ),
    Role.SHELTER_STAFF: frozenset(
        {
            P.REFERENCE_READ,
            P.CASE_LIST,
            P.CASE_READ_STATUS,
            P.SHELTER_OCCUPANCY_RECORD,
            P.SHELTER_OCCUPANCY_READ,
        }
    ),
    Role.AUDITOR: frozenset({P.REFERENCE_READ, P.AUDIT_READ, P.AUDIT_VERIFY}),
    Role.ADMIN: frozenset(
        {
            P.REFERENCE_READ,
            P.USER_CREATE,
            P.USER_LIST,
            P.USER_DISABLE,
            P.USER_ROLE,
            P.PERSON_ERASE,
        }
    ),
    Role.AIRLINE_AGENT: frozenset({P.DOCUMENT_VERIFY_TRAVEL}),
    Role.EMPLOYER: frozenset({P.DOCUMENT_VERIFY_WORK}),
}

# Roles that must belong to an agency, and the agencies they may belong to.
ROLE_AGENCIES: Final[dict[Role, frozenset[Agency]]] = {
    Role.INM_OFFICER: frozenset({Agency.INM}),
    Role.CBP_OFFICER: frozenset({Agency.CBP}),
    Role.CASEWORKER: frozenset({Agency.UNHCR, Agency.IOM, Agency.NGO}),
    Role.SHELTER_STAFF: frozenset({Agency.SHELTER, Agency.NGO}),
}


def permissions_of(role: Role) -> frozenset[Permission]:
    return ROLE_PERMISSIONS[role]


def may(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def check_agency(role: Role, agency: Agency | None) -> None:
    """Refuse a role/agency pair that makes no sense (a CBP officer working for UNHCR)."""
    allowed = ROLE_AGENCIES.get(role)
    if allowed is None:
        if agency is not None and role is Role.APPLICANT:
            raise ValueError("an applicant belongs to no agency")
        return
    if agency not in allowed:
        names = ", ".join(sorted(allowed))
        raise ValueError(f"a {role} must belong to one of: {names}")
