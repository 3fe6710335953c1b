"""What happens in the goals app that apps above it react to.

Each signal is sent inside the transaction of the write that causes it, after its audit event,
so a receiver's writes commit or roll back with it. Receivers are plain service functions taking
the arguments by keyword, connected in the receiving app's `apps.py`.
"""

from django.dispatch import Signal

from malbild.lib.panels import Panels

#: A goal became active or was closed. Arguments: `goal`, `request` (None outside a request).
#: Received by `announcements.services` (a draft announcement to the goal's unit).
status_changed = Signal()

#: Panels on the public goals page, from the apps above (`lib.panels`; each a `Panel` with the
#: time of its last change, for the cached page). Arguments: `request`. Stories shows the
#: highlighted success stories.
public_panels = Panels()

#: The Atom feeds the public goal pages name in their head (`<link rel="alternate">`). Arguments:
#: `request`; a receiver returns a list of (title, url). Announcements gives its news feeds.
public_feeds = Signal()

#: Panels on a goal's page, from the apps above (`lib.panels`). Arguments: `request` (a
#: `MemberRequest`), `goal`. Under the indicators that measure the goal: surveys shows what the
#: pupils say.
measure_panels = Panels()

#: Further down the goal's page, under the goals that break it down: plans shows the
#: activities that serve it.
work_panels = Panels()
