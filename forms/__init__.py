"""Service items as data: definitions, field types, validators and form validation.

forms.catalog     load_item / load_catalog / check_path, Catalog, SAMPLE_CATALOG_DIR
forms.model       ServiceItem, FieldSpec, MaterialSpec (validate, visible_fields, materials)
forms.validation  ValidationReport, FieldProblem
forms.applicant   validate_applicant
forms.validators  resident ID (GB 11643), credit code (GB 32100), phone, e-mail
forms.workdays    add_working_days / working_days_between (mainland holidays)
forms.errors      FormsError and its subclasses
forms.text        Text, LocalizedError
"""
