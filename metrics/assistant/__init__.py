"""The security-metrics assistant: modes metrics, explain, report, recommendations and enhance.

`local` answers offline with rules and templates over the catalog and the framework data;
a remote provider (bring your own model) is prompted with the same facts in `remote`.
"""
