from django.contrib.admin import apps as admin_apps


class TrackerAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the project's site (civicspace/admin_site.py) as ``admin.site``."""

    # Not the configuration of the civicspace app itself, which stays Django's default one.
    default = False
    default_site = "civicspace.admin_site.TrackerAdminSite"
