"""Fair allocation of appointments: capacity per site and day, request windows, the seeded draw
(the lottery), the published runs and their re-run check, bookings and the pages of applicants
and staff.

The words, used the same way in every name of this package:

- a *window* takes requests for a range of appointment days at some sites, then its draw runs;
- a *request* (one person, or a household as one) enters a window's draw;
- a *seat* is one person's place on one day at a site; a request the draw seats, or the waiting
  list moves up, holds one seat per person: that is its *booking*, which is confirmed,
  rescheduled, cancelled, checked in or missed (a no-show);
- the applicant's pages call the booking their *appointment*, as the applicant knows it.

`domain/` holds the rule, pure (`rule`, `lottery`, `record`, `booking`); `engine` and `draw`
apply it over NumPy columns for large runs and `files` reads and writes their tables;
`use_cases/` is what the API (`api`), the pages (`pages/`) and the command line (`cli`) call;
`tables`, `store` and `schemas` are the database tables, the reads and locks the use cases
share, and what the use cases take and give.
"""
