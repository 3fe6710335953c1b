"""What happens in the goals app that apps above it react to.

Each signal is sent inside the transaction of the write that causes it, after its audit event,
so a receiver's writes commit or roll back with it. Receivers are plain service functions taking
the arguments by keyword, connected in the receiving app's `apps.py`.
"""

from django.dispatch import Signal

#: A goal became active or was closed. Arguments: `goal`, `request` (None outside a request).
#: Received by `communication.services` (a draft announcement to the goal's unit).
status_changed = Signal()
