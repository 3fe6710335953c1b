"""What happens in the stories app that apps above it react to.

Each signal is sent inside the transaction of the write that causes it, after its audit event,
so a receiver's writes commit or roll back with it. Receivers are plain service functions taking
the arguments by keyword, connected in the receiving app's `apps.py`.
"""

from django.dispatch import Signal

#: The consent behind a story's quote or picture was withdrawn: its words or its file are gone.
#: Arguments: `quote_id` or `image_id`. Received by `reports.services` (kept documents that hold
#: it are rendered again without it).
consent_withdrawn = Signal()
