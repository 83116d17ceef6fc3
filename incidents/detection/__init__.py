"""Detection: Sigma rules (built-in and per organization), the in-process evaluator, correlation."""
