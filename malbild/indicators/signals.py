"""What happens in the indicators app that apps above it react to.

Each signal is sent inside the transaction of the write that causes it, after its audit event,
so a receiver's writes commit or roll back with it. Receivers are plain service functions taking
the arguments by keyword, connected in the receiving app's `apps.py`.
"""

from django.dispatch import Signal

from malbild.lib.panels import Panels

#: A value was entered, or an indicator's baseline or targets changed: whatever is measured by
#: the indicator must be brought up to date. Arguments: `indicator_id`, and `unit_id` when only
#: that unit's values changed (None: every unit's). Received by `goals.services` (progress).
values_changed = Signal()

#: Panels on an indicator's page, from the apps above (`lib.panels`). Arguments: `request`,
#: `indicator`. Imports shows the Kolada comparison and link.
detail_panels = Panels()
