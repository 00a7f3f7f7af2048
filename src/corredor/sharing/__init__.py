"""Sharing: the person's consent, least-disclosure sharing from INM to CBP, revocation, and who
has seen the person's data.

Where things are:
- `domain/`: pure: what each recipient may receive for each purpose, and the projection.
"""
