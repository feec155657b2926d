"""The routers of the web app, one per part: `account` (signing in, invitations, language), `lists`
(project lists: upload, column mapping, versions), `people` (an administrator's invitations) and
`audit` (who uploaded and submitted what, with which input)."""
