"""Cases: the joint TVRH -> parole corridor (registration at an INM border point, the household,
the TVRH issued, renewed and expired, the parole application, vetting, CBP's decision,
admission, withdrawal) and the generic cases of every other pathway (referral in, decision out).

Where things are:
- `domain/`: pure: the corridor's vocabulary, the case workflow (states, actions, guards) and the
  vetting protocol;
- `vetting/`: the local watchlist screening behind that protocol;
- `reference.py`: the places read from data/sites.yaml (border points, sites, ports of entry).
"""
