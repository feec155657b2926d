"""The web app: server-rendered pages (Jinja2) inside the service, on its database, roles and audit trail.

Every page works as a plain HTML form; htmx (vendored, `/static/vendor/htmx`) only swaps parts of a
page. Swedish first, English on a switch. The folders are the layers:

- `i18n`: the words (gettext catalogues in `locale/`, English as the source) and numbers and dates in
  each language's way;
- `render`: the templates (`templates/`), the security headers and the cookies of a page;
- `problems`: the readers' and scenario files' messages in the page's language;
- `scenario_form`: the scenario form's fields to a scenario, and a scenario back to its fields;
- `errors`: what a browser is shown when a page cannot be;
- `pages`: one router per part of the app (account, project lists, runs, results, people, audit trail).
"""
