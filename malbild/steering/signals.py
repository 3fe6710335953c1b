"""What happens in the steering app that apps above it react to.

Each signal is sent inside the transaction of the write that causes it, after its audit event,
so a receiver's writes commit or roll back with it. Receivers are plain service functions taking
the arguments by keyword, connected in the receiving app's `apps.py`.
"""

from django.dispatch import Signal

from malbild.lib.panels import Panels

#: A dated change was added to a steering document. Arguments: `document`, `change` and `reason`
#: (a sentence saying what changed). A receiver may return a sentence for the person who added
#: the change, saying what it did about it. Received by `targets.services` (the adopted målbild
#: that cites the document is flagged for review).
document_changed = Signal()

#: Panels on a steering document's page, from the apps above (`lib.panels`). Arguments:
#: `request`, `document`. Targets shows the versions of the målbild that cite it.
document_panels = Panels()
