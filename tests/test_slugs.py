import pytest

from planfolio.slugs import slugify, unique_slugs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kyrgyzstan", "kyrgyzstan"),
        ("Côte d'Ivoire", "cote-divoire"),
        ("Congo (Democratic Republic of the)", "congo-democratic-republic-of-the"),
        ("Data & analytics", "data-and-analytics"),
        ("Portfolio / systems approach", "portfolio-systems-approach"),
        ("  co-creation  ", "co-creation"),
        ("Кыргызстан", "kyrgyzstan"),
        ("ＦＵＬＬ width", "full-width"),
        ("13. Climate action", "13-climate-action"),
        ("?#", ""),
        ("../../etc", "etc"),
    ],
)
def test_slugify(text, expected):
    assert slugify(text) == expected


def test_slugify_cuts_long_text_at_a_word():
    slug = slugify("word " * 40)
    assert len(slug) <= 80 and not slug.endswith("-") and slug.startswith("word-word")


def test_unique_slugs_numbers_collisions_in_identity_order():
    keys = [("b.md", "water"), ("a.md", "water"), ("c.md", "air")]
    assert unique_slugs(keys) == {"a.md": "water", "b.md": "water-2", "c.md": "air"}
    assert unique_slugs(list(reversed(keys))) == unique_slugs(keys)


def test_unique_slugs_avoids_a_numbered_slug_that_is_taken():
    keys = [("a", "x"), ("b", "x"), ("c", "x-2")]
    result = unique_slugs(keys)
    assert len(set(result.values())) == 3


def test_a_terms_page_name_keeps_the_marks_that_end_a_name_and_reads_no_other_marks():
    from planfolio.slugs import term_slug

    assert [term_slug(v) for v in ("C++", "C#", "F#.", "a+b", "Co-creation + prototyping")] == [
        "c-plus-plus", "c-sharp", "f-sharp", "a-b", "co-creation-prototyping"
    ]  # fmt: skip
    assert term_slug("_+") == term_slug("+") == ""  # nothing to name a page by, as a reader is told
