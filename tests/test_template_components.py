"""The template components: tables ({% datatable %}), address breaks, sections."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError

from cms.templatetags.tables import breakable_address, column_labels, with_cell_labels

TABLE = """{% load tables %}{% datatable "t" caption="Les lignes" %}
<thead><tr><th scope="col">Nom</th>
<th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>{% for row in rows %}<tr><th scope="row">{{ row }}</th><td>Retirer</td></tr>
{% endfor %}</tbody>
{% enddatatable %}"""


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_an_address_breaks_after_the_at_sign_and_before_each_dot():
    assert breakable_address("lea.castellan@example.org") == (
        "lea<wbr>.castellan@<wbr>example<wbr>.org"
    )


def test_an_address_is_escaped_between_its_breaks():
    assert breakable_address("<b>x@y.fr") == "&lt;b&gt;x@<wbr>y<wbr>.fr"


def test_no_address_gives_nothing():
    assert breakable_address("") == ""


def test_column_labels_are_the_texts_of_the_header_cells():
    html = '<thead><tr><th>Titre</th><th><span class="x">Proposée le</span></th></tr></thead>'
    assert column_labels(html) == ["Titre", "Proposée le"]


def test_each_body_cell_starts_with_its_column_label():
    html = "<thead><tr><th>A</th><th>B</th></tr></thead>"
    html += "<tbody><tr><th>1</th><td>2</td></tr></tbody>"
    assert with_cell_labels(html).endswith(
        '<tbody><tr><th><span class="cell-label" aria-hidden="true">A</span>1</th>'
        '<td><span class="cell-label" aria-hidden="true">B</span>2</td></tr></tbody>'
    )


def test_the_table_sits_in_a_focusable_region_named_by_its_caption():
    html = render(TABLE, rows=["Une"])
    assert '<div class="table-scroll" tabindex="0" role="region" aria-labelledby="t">' in html
    assert '<caption id="t" class="visually-hidden">Les lignes</caption>' in html
    assert '<table class="table table--stack">' in html


def test_a_table_that_does_not_stack_has_no_cell_labels():
    html = render(TABLE.replace('caption="Les lignes"', 'caption="L" stack=False'), rows=["Une"])
    assert "cell-label" not in html and 'class="table"' in html


def test_cell_contents_are_escaped_and_labels_kept_from_the_header():
    html = render(TABLE, rows=["<i>x</i>"])
    assert "&lt;i&gt;x&lt;/i&gt;" in html
    assert '<span class="cell-label" aria-hidden="true">Action</span>Retirer' in html


def test_a_table_without_caption_is_refused_when_the_template_is_read():
    with pytest.raises(TemplateSyntaxError):
        Template('{% load tables %}{% datatable "t" %}{% enddatatable %}')


def test_a_section_is_a_region_named_by_its_heading():
    html = render('{% load sections %}{% section "a" "Les collèges" %}<p>x</p>{% endsection %}')
    assert html == '<section aria-labelledby="a">\n  <h2 id="a">Les collèges</h2><p>x</p></section>'


def test_a_heading_from_a_variable_is_escaped():
    html = render("{% load sections %}{% section 'a' heading %}{% endsection %}", heading="<b>")
    assert '<h2 id="a">&lt;b&gt;</h2>' in html


def test_a_section_takes_its_anchor_and_heading_from_variables():
    source = "{% load sections %}{% section panel.anchor panel.heading %}{% endsection %}"
    html = render(source, panel={"anchor": "mes-rencontres", "heading": "Mes rencontres"})
    assert '<h2 id="mes-rencontres">Mes rencontres</h2>' in html
