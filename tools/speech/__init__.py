"""Phone lines in software (voices, line conditions, a recogniser), a caller who
answers, and the reports of make e2e-spoken."""
