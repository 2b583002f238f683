"""Real open-source web apps installed from PyPI (Wagtail, django-oscar), wrapped as benchmark environments.

Nothing here is the apps' code: each subpackage is the minimal Django project a site owner writes around an
installed app (settings, urls, seed data). `realapps.suite` lists the workflows and builds TaskEnvironments;
eclair finds it through the `eclair.environments` entry point and never imports this package directly.
"""
