"""Admin: stored idempotency answers, for reading only."""

from django.contrib import admin

from signoff.api.models import IdempotencyRecord
from signoff.core.admin import ReadOnlyAdmin

admin.site.register(IdempotencyRecord, ReadOnlyAdmin)
