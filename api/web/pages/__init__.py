"""The routers of the web app, one per part: `account` (signing in, invitations, language), `lists`
(project lists: upload, column mapping, versions), `runs` (the scenario form, saved scenarios,
submitting), `results` (a run's progress, result, explanation and downloads), `people` (an administrator's invitations) and
`audit` (who uploaded and submitted what, with which input)."""
