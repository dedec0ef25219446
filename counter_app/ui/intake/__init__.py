"""The new-application flow: item, applicant, form, materials, signature, review, receipt."""
