"""What the orders app announces, for the layers above it to act on.

Orders sits below approvals, so it cannot call approvals itself: approvals connects to these in
its `AppConfig.ready()`. Receivers run inside the sender's transaction, and an error in one is
raised to the sender (`send`, never `send_robust`): a change is never saved half-handled.
"""

from django.dispatch import Signal

# Sent after a live operation's priced content or wording changed and was saved (its revision
# already raised), with `operation`, `actor` and `what_changed` (words for the history).
operation_changed = Signal()

# Sent after a change to what a repair order's estimate shows was saved: an operation added,
# edited, reordered or removed, or the RO's own details (ETR, notes, vehicle, advisor) changed.
# With `repair_order` (locked by the sender's transaction or lockable by the receiver) and
# `actor`. Approvals freezes a new version then, once the estimate has been shown to anyone, so
# the customer page (which only reads) shows the change.
estimate_changed = Signal()
