"""Where the apps above the announcements app add to what it sends a person."""

from django.dispatch import Signal

#: Entries of a person's personal Atom feed besides the announcements, at its top. Arguments:
#: `request`, `organisation`, `user`, `memberships` (sent inside the organisation's scope); a
#: receiver returns a list of `feeds.Notice`, written in the person's language. Stories gives
#: the invitations to tell the story of a goal that reached its target.
personal_notices = Signal()
