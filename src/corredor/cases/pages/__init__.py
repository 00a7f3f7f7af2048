"""The cases as pages: an applicant's cases (`case`), the parole application (`parole`), the INM
desk (`desk`), CBP's review (`cbp`) and the caseworker's assisted mode (`assist`)."""
