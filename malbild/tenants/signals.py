"""The places on an organisation's pages where the apps above add their panels (`lib.panels`).

The start page lives in the dashboards, and the follow-up documents stand on the same floor, so
neither may import the other: the place is declared here, below both."""

from malbild.lib.panels import Panels

#: Panels in "Att göra" on a person's start page (`dashboards.views.home`). Arguments: `request`
#: (a MemberRequest). The follow-up documents add the newest document for the nämnd.
start_panels = Panels()
