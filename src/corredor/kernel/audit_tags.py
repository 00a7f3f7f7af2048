"""Every action the audit log records, named once: `<source>:<subject>:<verb>` (source
`platform` for the corridor, accounts and documents, `allocation` for fair capacity).

The values are what the log stores (and what auditors filter on), so a member's value never
changes once released. Steps of a case and of a booking are tagged by their own action's name.
"""

from __future__ import annotations

from enum import StrEnum


class AuditTag(StrEnum):
    # accounts
    USER_CREATE = "platform:user:create"
    SESSION_SIGN_IN = "platform:session:sign_in"
    SESSION_SIGN_OUT = "platform:session:sign_out"
    SESSION_SIGN_IN_FAILED = "platform:session:sign_in_failed"
    # operations
    KEYS_REENCRYPT = "platform:keys:reencrypt"
    PERSON_ERASE = "platform:person:erase"
    RETENTION_APPLY = "platform:retention:apply"
    RETENTION_REVIEW = "platform:retention:review"
    USER_DISABLE = "platform:user:disable"
    USER_ENABLE = "platform:user:enable"
    USER_ROLE_CHANGE = "platform:user:role_change"
    # cases
    CASE_REGISTER = "platform:case:register"
    PERSON_MATCH_READ = "platform:person:match_read"
    PERSON_MATCH_DECIDE = "platform:person:match_decide"
    PERSON_MATCH_SCAN = "platform:person:match_scan"
    PERSON_PHOTO_CAPTURE = "platform:person:photo_capture"
    PERSON_PHOTO_REPLACE = "platform:person:photo_replace"
    PERSON_PHOTO_READ = "platform:person:photo_read"
    CASE_READ_PERSONAL_DATA = "platform:case:read_personal_data"
    CASE_SEARCH_BY_DOCUMENT = "platform:case:search_by_document"
    CASE_ADD_MEMBER = "platform:case:add_member"
    CASE_ISSUE_TVRH = "platform:case:issue_tvrh"
    CASE_REFUSE_TVRH = "platform:case:refuse_tvrh"
    CASE_RENEW_TVRH = "platform:case:renew_tvrh"
    CASE_EXPIRE_TVRH = "platform:case:expire_tvrh"
    CASE_APPLY_PAROLE = "platform:case:apply_parole"
    CASE_VETTING_CLEAR = "platform:case:vetting_clear"
    CASE_VETTING_HIT = "platform:case:vetting_hit"
    CASE_GRANT_PAROLE = "platform:case:grant_parole"
    CASE_DENY_PAROLE = "platform:case:deny_parole"
    CASE_ADMIT = "platform:case:admit"
    CASE_WITHDRAW = "platform:case:withdraw"
    CASE_APPROVE_REFERRAL = "platform:case:approve_referral"
    CASE_REFUSE_REFERRAL = "platform:case:refuse_referral"
    CASE_ASSIGN = "platform:case:assign"
    CASE_UNASSIGN = "platform:case:unassign"
    VETTING_READ = "platform:vetting:read"
    REFERRAL_CREATE = "platform:referral:create"
    # consent and disclosure
    CONSENT_RECORD = "platform:consent:record"
    CONSENT_REVOKE = "platform:consent:revoke"
    DISCLOSURE_CREATE = "platform:disclosure:create"
    DISCLOSURE_READ = "platform:disclosure:read"
    DISCLOSURE_READ_FOR_VETTING = "platform:disclosure:read_for_vetting"
    DISCLOSURE_READ_REFUSED = "platform:disclosure:read_refused"
    DISCLOSURE_REVOKE = "platform:disclosure:revoke"
    # signed documents
    DOCUMENT_ISSUE = "platform:document:issue"
    DOCUMENT_READ = "platform:document:read"
    DOCUMENT_REVOKE = "platform:document:revoke"
    DOCUMENT_EXPORT = "platform:document:export"
    DOCUMENT_VERIFY_TRAVEL = "platform:document:verify_travel"
    DOCUMENT_VERIFY_WORK = "platform:document:verify_work"
    ISSUER_KEY_GENERATE = "platform:issuer_key:generate"
    ISSUER_KEY_ROTATE = "platform:issuer_key:rotate"
    ISSUER_KEY_RETIRE = "platform:issuer_key:retire"
    ISSUER_KEY_REVOKE = "platform:issuer_key:revoke"
    # shelters
    SHELTER_RECORD_OCCUPANCY = "platform:shelter:record_occupancy"
    SHELTER_ASSIGN_STAFF = "platform:shelter:assign_staff"
    SHELTER_IMPORT_OCCUPANCY = "platform:shelter:import_occupancy"
    # fair capacity
    CAPACITY_UPDATE = "allocation:capacity:update"
    WINDOW_OPEN = "allocation:window:open"
    REQUEST_REGISTER = "allocation:request:register"
    REQUEST_READ_POSITION = "allocation:request:read_position"
    EARLY_CLOSE_REQUEST = "allocation:early_close:request"
    EARLY_CLOSE_CONFIRM = "allocation:early_close:confirm"
    RUN_COMPLETE = "allocation:run:complete"
    SEED_REVEAL = "allocation:seed:reveal"
    BOOKING_CONFIRM = "allocation:booking:confirm"
    BOOKING_CANCEL = "allocation:booking:cancel"
    BOOKING_NO_SHOW = "allocation:booking:no_show"
    BOOKING_CHECK_IN = "allocation:booking:check_in"
    BOOKING_RESCHEDULE = "allocation:booking:reschedule"

    @classmethod
    def of(cls, subject: str, verb: str) -> AuditTag:
        """The tag of a step named by its own enum (a case's Action, a BookingAction, a key
        job): raises ValueError for a step the log has no tag for, instead of inventing one."""
        for tag in cls:
            if tag.value.endswith(f":{subject}:{verb}"):
                return tag
        raise ValueError(f"no audit tag for {subject}:{verb}")
