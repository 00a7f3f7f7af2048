"""Names of the platform's codes in plain language, for pages an applicant may see.

Codes (states, events, roles, fields) stay English in the data; these are their catalog msgids,
so each shows in the reader's language. A code without a name here shows as itself.
"""

from __future__ import annotations

from typing import Final

from babel.support import NullTranslations

from corredor.web.i18n import N_

STATES: Final[dict[str, str]] = {
    "registered": N_("Registered at the border"),
    "tvrh_issued": N_("Humanitarian visitor card (TVRH) issued"),
    "tvrh_refused": N_("Humanitarian visitor card refused"),
    "tvrh_expired": N_("Humanitarian visitor card expired"),
    "parole_requested": N_("Parole application sent"),
    "vetted_clear": N_("Security check completed"),
    "secondary_review": N_("Under further review"),
    "parole_granted": N_("Parole granted"),
    "parole_denied": N_("Parole denied"),
    "work_authorized": N_("Admitted to the United States, with work authorization"),
    "withdrawn": N_("Withdrawn"),
    "referred": N_("Referred to another pathway"),
    "approved": N_("Approved"),
    "refused": N_("Refused"),
}

EVENTS: Final[dict[str, str]] = {
    "registered": N_("Your household was registered at a designated INM point"),
    "member_added": N_("A member was added to your household"),
    "tvrh_issued": N_("INM issued your humanitarian visitor card (TVRH)"),
    "tvrh_refused": N_("INM refused the humanitarian visitor card"),
    "tvrh_renewed": N_("INM renewed your humanitarian visitor card"),
    "tvrh_expired": N_("Your humanitarian visitor card expired"),
    "parole_requested": N_("Your parole application was sent to CBP"),
    "vetting_clear": N_("CBP completed the security check"),
    "vetting_hit": N_("The security check needs a closer look"),
    "secondary_review_queued": N_("An officer will review your case further"),
    "secondary_review_cleared": N_("The further review is complete"),
    "parole_granted": N_("CBP granted parole"),
    "parole_denied": N_("CBP denied parole"),
    "admitted": N_("You were admitted to the United States"),
    "work_authorized": N_("Your work authorization started"),
    "withdrawn": N_("The case was withdrawn"),
    "consent_recorded": N_("You agreed to share your data with CBP"),
    "consent_revoked": N_("You withdrew your consent to share your data"),
    "disclosed": N_("INM shared the data you agreed to with CBP"),
    "disclosure_ended": N_("The sharing of your data with CBP ended"),
    "referred": N_("You were referred to another pathway"),
    "referral_approved": N_("The referral was approved"),
    "referral_refused": N_("The referral was refused"),
    "work_authorization_not_issued": N_(
        "No work authorization document for household member %(member)s: under "
        "%(minimum_age)s, the minimum age to work (%(citation)s)"
    ),
}
# The events whose text names values the event carries (never a personal value).
EVENT_VALUES: Final[dict[str, tuple[str, ...]]] = {
    "work_authorization_not_issued": ("member", "minimum_age", "citation"),
}

ROLES: Final[dict[str, str]] = {
    "applicant": N_("You"),
    "inm_officer": N_("INM officer"),
    "cbp_officer": N_("CBP officer"),
    "caseworker": N_("Caseworker"),
    "shelter_staff": N_("Shelter staff"),
    "airline_agent": N_("Airline agent"),
    "employer": N_("Employer"),
    "auditor": N_("Auditor"),
    "admin": N_("Administrator"),
}

APPLICANT: Final = N_("Applicant")

AGENCIES: Final[dict[str, str]] = {
    "INM": N_("National Migration Institute of Mexico (INM)"),
    "CBP": N_("US Customs and Border Protection (CBP)"),
    "UNHCR": N_("UNHCR, the UN Refugee Agency"),
    "IOM": N_("IOM, the UN Migration agency"),
    "NGO": N_("A partner organisation"),
    "SHELTER": N_("A shelter"),
}

# What a consent lets INM share with CBP, field by field.
FIELDS: Final[dict[str, str]] = {
    "name": N_("Your name and the names of your household"),
    "birth_date": N_("Dates of birth"),
    "nationality": N_("Nationality"),
    "document_number": N_("Passport or identity document numbers"),
    "household": N_("Who is in your household"),
    "tvrh": N_("Your humanitarian visitor card number and its validity"),
    "legal_ground": N_("Why Mexico protected you (your legal ground)"),
}

PURPOSES: Final[dict[str, str]] = {
    "registration": N_("To register your household"),
    "case_work": N_("To work on your case"),
    "parole": N_("To decide on your parole, with your consent"),
    "vetting": N_("For the security check for parole, with your consent"),
    "consent": N_("Your consent, and what was shared because of it"),
    "decision": N_("A step in your case"),
}

GRANTS: Final[dict[str, str]] = {
    "tvrh": N_("Humanitarian visitor card (TVRH)"),
    "parole": N_("Advance parole"),
    "work_authorization": N_("US work authorization"),
}

TRAVEL_MODES: Final[dict[str, str]] = {
    "flight": N_("By air, to a US airport"),
    "port_of_entry": N_("Overland, through a port of entry"),
}


def named(table: dict[str, str], code: str | None, gettext: NullTranslations) -> str:
    if code is None:
        return ""
    return gettext.gettext(table[code]) if code in table else code


def event_text(code: str, data: dict[str, object], gettext: NullTranslations) -> str:
    """An event of the timeline in the reader's language, with the values it names."""
    text = named(EVENTS, code, gettext)
    keys = EVENT_VALUES.get(code)
    return text % {key: data.get(key, "") for key in keys} if keys else text
