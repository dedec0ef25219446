"""Jinja2 templates of the platform pages (`portal/pages/`); a package only so that
setuptools ships the *.html files with `portal`."""
