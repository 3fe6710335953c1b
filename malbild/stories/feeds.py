"""The public Atom feed of success stories, written with Django's feedgenerator."""

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html

from malbild.lib.markdown import render as markdown


def story_atom(
    *,
    title: str,
    link: str,
    feed_url: str,
    description: str,
    stories: Iterable[Any],
    item_link: Callable[[Any], str],
    language: str,
) -> bytes:
    """An Atom document of published success stories with the quotes whose consent stands
    (the stories come with `live_quotes` prefetched), sanitised like the pages."""
    feed = Atom1Feed(
        title=title,
        link=link,
        description=description,
        feed_url=feed_url,
        language=language,
        feed_guid=feed_url,
    )
    for story in stories:
        url = item_link(story)
        quotes = "".join(
            format_html(
                "<blockquote><p>{}</p>{}</blockquote>",
                quote.text,
                format_html("<footer>{}</footer>", quote.speaker) if quote.speaker else "",
            )
            for quote in story.live_quotes
        )
        feed.add_item(
            title=story.title,
            link=url,
            description=str(markdown(story.body)) + quotes,
            pubdate=story.published_at,
            updateddate=story.updated_at,
            unique_id=url,
        )
    return feed.writeString("utf-8").encode()
