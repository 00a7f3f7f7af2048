"""The cases as pages: an applicant's cases (`case`), the parole application (`parole`); and, for
officers and caseworkers, the INM desk (`staff/desk`), CBP's review (`staff/cbp`) and the
caseworker's assisted mode (`staff/assist`)."""
