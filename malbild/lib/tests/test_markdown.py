from malbild.lib.markdown import render


def test_it_renders_markdown():
    html = render("# Rubrik\n\nDet **viktiga** och [en länk](https://skolverket.se).")
    assert "<h2>Rubrik</h2>" in html
    assert "<strong>viktiga</strong>" in html
    assert 'href="https://skolverket.se"' in html


def test_scripts_and_handlers_never_survive():
    html = render(
        '<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\n'
        "[klicka](javascript:alert(1))"
    )
    assert "<script" not in html  # shown as text, never run
    assert "<img" not in html
    assert 'href="javascript' not in html


def test_empty_text_is_empty():
    assert render("") == ""
