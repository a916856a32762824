"""What the shops app announces, for the layers above it to act on.

Shops sits at the bottom, so it cannot give a new shop what higher apps need (approvals'
default reasons): they connect to these in their `AppConfig.ready()`. Receivers run inside the
sender's transaction, and an error in one is raised to the sender (`send`, never
`send_robust`): a shop is never saved half set up.
"""

from django.dispatch import Signal

# Sent after a new shop was saved, with `shop`, inside `shops.services.shop_create`'s transaction.
shop_created = Signal()
