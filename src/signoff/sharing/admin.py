"""Admin: shares, links, messages and captured dev-outbox mail are evidence, for reading only."""

from django.contrib import admin

from signoff.core.admin import ReadOnlyAdmin
from signoff.sharing.models import Message, OutboxCapture, Share, ShareLink

for _model in (Share, ShareLink, Message, OutboxCapture):
    admin.site.register(_model, ReadOnlyAdmin)
