"""What the orders app announces, for the layers above it to act on.

Orders sits below approvals, so it cannot call approvals itself: approvals connects to these in
its `AppConfig.ready()`. Receivers run inside the sender's transaction, and an error in one is
raised to the sender (`send`, never `send_robust`): a change is never saved half-handled.
"""

from django.dispatch import Signal

# Sent after a live operation's priced content or wording changed and was saved (its revision
# already raised), with `operation`, `actor` and `what_changed` (words for the history).
operation_changed = Signal()
