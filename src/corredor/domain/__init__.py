"""The pure domain: policy model, rule engine and workflow.

It imports no framework (no database, web, CLI or dataframe library); a test enforces it.
"""
