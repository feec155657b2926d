"""Layer 4, the follow-up cycle: adopt a run as the plan, record actuals, report the plan's status and
re-plan the open years (`followup`)."""
