"""Dagster's definitions of the warehouse (orchestration.definitions), and what runs
them (orchestration.run: `make run`)."""
