"""Sharing as pages: who has seen the person's data (`access`), consent given and withdrawn
(`consent`), and the INM desk's disclosure to CBP (`staff/disclosure`)."""
