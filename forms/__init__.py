"""Service items as data: definitions, field types, validators and form validation."""
