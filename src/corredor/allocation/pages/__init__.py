"""Fair allocation as pages: the applicant's requests and bookings (their "appointment"), the
published results, and the staff's capacity, windows and runs."""
