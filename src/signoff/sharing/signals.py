"""What sharing announces to its own later steps, so delivery need not know them.

`message_not_delivered` (kwargs: message_id) is sent after the commit that moved a message to
undelivered or failed; reminders.py answers it with the contact's other channel when the shop
sends it at once. Receivers run with `send` (an error is logged by on_commit's robust hook,
never lost) and the status change stands whatever they do."""

from django.dispatch import Signal

message_not_delivered = Signal()
