"""`make verify`: is every (account, region) of the organization logging?

One module per check (stack_instances.py, transcripts.py, delivery_errors.py),
the organization's expected pairs in organization.py, credentials and
clients in aws.py, the table and the JSON in report.py; __main__.py wires
them. docs/verify.md says what each check asks AWS and what it cannot see.
"""
