"""The admin site's titles. Each app registers its own models in its `admin.py`."""

from django.contrib import admin

admin.site.site_header = "Signoff administration"
admin.site.site_title = "Signoff admin"
