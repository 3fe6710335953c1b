"""Where the apps above the plans app add to its pages (`lib.panels`)."""

from malbild.lib.panels import Panels

#: Panels on an activity's page. Arguments: `request`, `activity`. Scanning shows the signals
#: behind it.
activity_panels = Panels()
