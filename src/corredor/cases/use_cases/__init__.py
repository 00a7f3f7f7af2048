"""What the API, the pages and the CLI do with cases. Each use case opens its own unit of work
(or, for an idempotent write, is a `kernel.commands.Command` its caller runs once per key) and
returns typed output, never a table row or a status code.

- `registration`: an INM officer registers a household at a border point, adds a member;
- `tvrh`: the humanitarian visitor card decided, renewed, expired (one case, or every lapsed one);
- `parole`: the parole application, vetting, CBP's decision, admission, withdrawal;
- `reading`: a case, its status, its timeline, lists and searches;
- `referrals`: every other pathway as a generic case: referral in, decision out;
- `reference`: the places, the legal grounds in force and the workflow itself.
"""
