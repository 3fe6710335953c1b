"""What happens in the targets app (the målbild) that apps above it react to.

Each signal is sent inside the transaction of the write that causes it, after its audit event,
so a receiver's writes commit or roll back with it. Receivers are plain service functions taking
the arguments by keyword, connected in the receiving app's `apps.py`.
"""

from django.dispatch import Signal

from malbild.lib.panels import Panels

#: A målbild was adopted. Arguments: `version` (the adopted `TargetVision`), `request` (None
#: outside a request). Received by `announcements.services` (a draft announcement to everyone).
adopted = Signal()

#: Panels on a version's page, from the apps above (`lib.panels`). Arguments: `request`,
#: `version`. Scanning shows the signals behind it.
version_panels = Panels()

#: Panels under a version's investments (`lib.panels`). Arguments: `request`, `version`,
#: `investments`. Followup shows what each investment spent and achieved, period by period.
investment_panels = Panels()
