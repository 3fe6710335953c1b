from malbild.accounts.personal_data import Part, register

register(
    Part("scanning.feed_sources", "scanning.FeedSource", ("added_by",)),
    Part("scanning.signals", "scanning.Signal", ("created_by",)),
    Part("scanning.comments", "scanning.SignalComment", ("author",)),
    Part("scanning.mentions", "scanning.Mention", ("person",)),
    Part("scanning.ratings", "scanning.Rating", ("person",)),
    Part("scanning.signal_links", "scanning.SignalLink", ("added_by",)),
    Part("scanning.feed_items_decided", "scanning.FeedItem", ("decided_by",)),
)
