"""What the API, the pages and the command line do with fair allocation. Each use case opens its
own unit of work and returns typed output (`allocation.schemas`); each write that must happen
once is a `kernel.commands.Command`, declared here once and run by the API with the
Idempotency-Key header and by the pages with the form's key.

- `windows`: capacity per site and day, and request windows;
- `requests`: asking for a place in a window's draw, and reading one's own requests;
- `runs`: the draw of a window, the seed reveal, the published results and the re-run check;
- `bookings`: what happens to a booking after the draw (confirm, cancel, no-show, check-in,
  reschedule);
- `offline`: a draw run from files by the command line, outside the platform.
"""
