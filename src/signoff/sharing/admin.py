"""Admin: shares, links, messages and captured dev-outbox mail are evidence, for reading only;
worker heartbeats are written by the workers alone."""

from django.contrib import admin

from signoff.core.admin import ReadOnlyAdmin
from signoff.sharing.models import Message, OutboxCapture, Share, ShareLink, WorkerHeartbeat

for _model in (Share, ShareLink, Message, OutboxCapture, WorkerHeartbeat):
    admin.site.register(_model, ReadOnlyAdmin)
