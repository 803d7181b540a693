from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.articles import Article, IngestError, from_upload


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000),
       st.sampled_from(["a.txt", "a.md", "a.html", "a.pdf", "a.bin", "noext"]))
def test_random_bytes_give_an_article_or_the_clear_error(data, name):
    try:
        article = from_upload(data, name)
    except IngestError as exc:
        assert str(exc)
    else:
        assert isinstance(article, Article)
        assert article.text.strip() or article.title.strip()
