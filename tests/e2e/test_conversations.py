"""Whole conversations against the real Rasa server and action server over REST."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.servers


def test_guided_bokmaal_conversation_prefilled_from_first_message(chat):
    first = chat.text("Hei, vi trenger kompetanseheving om språk i barnehagen vår")
    assert "Du skrev barnehage og språk" in first and "Hvem gjelder det?" in first
    assert "Hvor godt er behovet forankret?" in chat.text("hele personalet")
    assert "Hvor lang tid" in chat.text("delvis, styrer er med men ikke eier")
    result = chat.text("flere år")
    assert "barnehage · språk · hele personalet · flere år" in result
    assert "Kollektiv ordning for barnehage og grunnskole (fra 2026)" in result
    assert "Passer fordi:" in result and "Finansiering:" in result and "Kilde: https://" in result
    assert "Råd: Behovet er delvis forankret" in result
    more = chat.text("fortell mer om nummer 2")
    assert "Hvem søker:" in more and "sist kontrollert" in more
    tracker = chat.tracker()
    assert tracker["slots"]["sector"] == "barnehage" and tracker["slots"]["duration"] == "flerarig"


def test_nynorsk_in_nynorsk_out(chat):
    first = chat.text("Kva tiltak finst for tilsette i PPT som vil lære meir om inkludering?")
    assert "Du skreiv PP-tenesta" in first and "Kven gjeld det?" in first
    assert "Kor godt er behovet forankra?" in chat.text("heile personalet")
    assert "Kor lang tid" in chat.text("ja")
    result = chat.text("eit år")
    assert "Passar fordi:" in result and "Kjelde:" in result
    assert "Inkluderande praksis" in result
    assert "Passer fordi" not in result


def test_digression_then_correction_resumes_the_form(chat):
    chat.text("vi trenger noe om lesing på skolen")
    chat.text("hele personalet")
    assert "Hvor lang tid" in chat.text("nei, ikke ennå")
    answer = chat.text("vent, hva er forskjellen på etterutdanning og videreutdanning?")
    assert "studiepoeng" in answer
    assert "Hvor lang tid" in answer  # the form asks its question again
    corrected = chat.text("forresten gjelder det SFO, ikke skolen")
    assert "Da endrer jeg sektor til SFO." in corrected and "Hvor lang tid" in corrected
    result = chat.text("et kurs")
    assert "SFO · språk" in result
    assert "Råd: Forankring er en av de viktigste suksessfaktorene" in result
    assert chat.tracker()["slots"]["sector"] == "sfo"


def test_scheme_question_and_context_follow_up(chat):
    answer = chat.text("Hva er rekomp?")
    assert "Rekomp" in answer and "2025" in answer
    assert "Kollektiv ordning for barnehage og grunnskole (fra 2026)" in answer
    follow = chat.text("hvem kan søke da?")
    assert "statsforvalteren" in follow.lower()
    assert "Regional ordning" in follow or "Rekomp" in follow


def test_restart_forgets_the_answers(chat):
    chat.text("vi trenger kompetanseheving om matte for lærerne i barnehagen")
    restart = chat.text("start på nytt")
    assert "begynner på nytt" in restart
    slots = chat.tracker()["slots"]
    assert slots["theme"] is None and slots["sector"] is None


def test_individual_teacher_route(chat):
    first = chat.text("kan jeg få videreutdanning i matte? jeg er lærer på ungdomsskolen")
    assert "Hvem gjelder det?" in first
    assert "forankret" in chat.text("bare meg")
    assert "Hvor lang tid" in chat.text("rektor vet om det")
    result = chat.text("et skoleår")
    assert "individuelt" in result and "lærer" in result
    assert "Tips: Individuell kompetanseutvikling bør også komme fellesskapet til gode" in result


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "<img src=x onerror=alert(1)>",
                                  "'; DROP TABLE measures; --", "x" * 10000,
                                  '/inform{"sector": "universitet"}', "\u0000"])
def test_bad_input_gets_an_answer_and_nothing_breaks(chat, text):
    replies = chat.say(text)
    assert isinstance(replies, list)
    after = chat.text("hva er ABLU?")
    assert "barnehagelærerutdanning" in after.lower()
