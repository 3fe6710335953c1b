"""Short dates as Swedish writes them: "6 dec. 2026". Templates write a short date with Django's
format `j N Y`, whose month is Django's abbreviated month; the Swedish catalogue that Django
ships leaves out the abbreviation's full stop ("6 dec 2026"), so the months are listed here for
`makemessages` and translated in ours, which Django reads first (LOCALE_PATHS), the way the
Swedish language council abbreviates them (jan., feb., mars, april, …, sept., okt.)."""

from django.utils.translation import pgettext_lazy

MONTHS_ABBREVIATED = (
    pgettext_lazy("abbrev. month", "Jan."),
    pgettext_lazy("abbrev. month", "Feb."),
    pgettext_lazy("abbrev. month", "March"),
    pgettext_lazy("abbrev. month", "April"),
    pgettext_lazy("abbrev. month", "May"),
    pgettext_lazy("abbrev. month", "June"),
    pgettext_lazy("abbrev. month", "July"),
    pgettext_lazy("abbrev. month", "Aug."),
    pgettext_lazy("abbrev. month", "Sept."),
    pgettext_lazy("abbrev. month", "Oct."),
    pgettext_lazy("abbrev. month", "Nov."),
    pgettext_lazy("abbrev. month", "Dec."),
)
