"""Each rule of the French edition's audit, shown to fail on the wrong input."""

from defence_course.authoring.translation.audit import Term, numbers
from defence_course.authoring.translation.build import typeset


def test_french_numbers_are_read_as_the_english() -> None:
    english = numbers("Canada: 1,404 troops, 2.0% of GDP in 2025e (the 20th summit).", french=False)
    french = numbers("Canada : 1 404 soldats, 2,0 % du PIB en 2025e (le 20e sommet).", french=True)
    assert french == english == {"1404", "2.0", "2025", "20"}


def test_a_number_the_english_lacks_is_seen() -> None:
    assert numbers("2,1 %", french=True) - numbers("2.0%", french=False) == {"2.1"}


def test_a_glossary_term_translated_another_way_is_seen() -> None:
    term = Term("Security and Defence Partnership", ("Partenariat de sécurité et de défense",), "CPM")
    assert term.used_in("the EU-Canada Security and Defence Partnership was signed")
    assert term.rendered_in("le Partenariat de sécurité et de défense UE-Canada")
    assert not term.rendered_in("le pacte de sécurité et de défense UE-Canada")


def test_acronyms_match_their_case_only() -> None:
    term = Term("PMO", ("CPM",), "Termium")
    assert term.used_in("the PMO said")
    assert not term.used_in("a pmo-like office")


def test_typeset_adds_no_break_spaces_outside_code() -> None:
    assert typeset("1 404 soldats, 2,0 % et « oui » ; `x = 1 000`") == (
        "1\u00a0404 soldats, 2,0\u00a0% et «\u00a0oui\u00a0» ; `x = 1 000`")


def test_a_french_bank_with_a_changed_key_is_reported() -> None:
    from defence_course.authoring.translation.audit import _skeleton_problem

    english = {"questions": [{"id": "q1", "type": "numeric", "prompt": "How much?", "answer": 2.01,
                              "tolerance": 0.005, "points": 1}]}
    french = {"questions": [{"id": "q1", "type": "numeric", "prompt": "Combien ?", "answer": 2.01,
                             "tolerance": 0.005, "points": 1}]}
    assert _skeleton_problem(english, french, "fr/q.yaml") is None
    french["questions"][0]["answer"] = 2.1
    problem = _skeleton_problem(english, french, "fr/q.yaml")
    assert problem is not None
    assert "questions[0].answer" in problem


def test_links_are_rewritten_for_a_notebook_one_folder_deeper() -> None:
    from defence_course.authoring.translation.build import relink

    text = ("[glossaire](../docs/glossary.md#ceta), [exercice](../exercises/ex01-the-news.ipynb#q1), "
            "[leçon 02](02-two-clubs.ipynb), [anglais](../00-start-here.ipynb), [NATO](https://nato.int/x)")
    assert relink(text) == (
        "[glossaire](../../docs/glossary.md#ceta), [exercice](../../exercises/fr/ex01-the-news.ipynb#q1), "
        "[leçon 02](02-two-clubs.ipynb), [anglais](../00-start-here.ipynb), [NATO](https://nato.int/x)")
