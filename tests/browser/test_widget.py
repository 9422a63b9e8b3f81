"""The chat widget in a real browser (headless Chromium) against the real Rasa + action servers.

Each test saves screenshots of its states under test-output/browser/.
"""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import LAUNCHER, format_violations, wait_until

pytestmark = pytest.mark.servers

# The first message says who it is for but neither where nor what: the two questions before the
# suggestions (answer first: at most two) are where and what.
FIRST = "vi trenger kompetanseheving for hele personalet"
WHERE_Q = "Hvor jobber dere?"
WHAT_Q = "Hva handler behovet om?"
ANCHORING_Q = "Hvor godt er behovet forankret?"
AUDIENCE_Q = "Hvem gjelder det?"
RESULT_MARK = "Passer fordi"


def guided_to_results(kv) -> None:
    """The typed main path: the first message pre-fills the audience; where and what are asked."""
    kv.say(FIRST, expect_reply=WHERE_Q)
    kv.say("barnehage", expect_reply=WHAT_Q)
    kv.say("språk", expect_reply=RESULT_MARK)


def wait_results_complete(kv) -> None:
    """Results: header, measure cards, advice with buttons, then 'Fikk du svar?'."""
    kv.expect(kv.page.locator(".kvw-card").first).to_be_visible()
    kv.expect(kv.page.locator(".kvw-survey")).to_be_visible()


def test_typed_guided_conversation(kv):
    kv.goto()
    kv.screenshot("1-page")
    kv.open()
    kv.wait_greeting()
    privacy = kv.page.locator(".kvw-privacy")
    kv.expect(privacy).to_be_visible()
    kv.expect(privacy).to_contain_text("fødselsnummer")
    kv.screenshot("2-open")
    kv.say(FIRST, expect_reply=WHERE_Q)
    kv.expect(privacy).to_be_hidden()  # the notice stays until the first message
    kv.screenshot("3-form-asking")
    # New bot messages are announced in a polite live region (the user's own are not).
    live = kv.page.locator(".kvw > [aria-live='polite']")
    kv.expect(live).to_contain_text(WHERE_Q)
    kv.expect(live).not_to_contain_text(FIRST)
    kv.expect(kv.log).to_have_attribute("aria-live", "off")
    kv.say("barnehage", expect_reply=WHAT_Q)
    kv.say("språk", expect_reply=RESULT_MARK)
    wait_results_complete(kv)
    kv.screenshot("4-results")
    log = kv.transcript()
    assert "barnehage · språk · hele personalet" in log
    assert "Finansiering" in log and "Kilde" in log  # the cards carry their source link
    # The source is a real link that opens safely in a new tab.
    links = kv.page.locator(".kvw-log a")
    assert links.count() > 0
    for i in range(links.count()):
        a = links.nth(i)
        assert a.get_attribute("href").startswith(("https://", "http://"))
        assert a.get_attribute("target") == "_blank"
        assert set(a.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
    # The user's messages are bubbles; the greeting payload is not.
    users = kv.page.locator(".kvw-log > .kvw-user .kvw-text").all_inner_texts()
    assert users == [
        FIRST, "barnehage", "språk"]
    slots = kv.tracker()["slots"]
    assert slots["sector"] == "barnehage" and slots["theme"] == "sprak"


def test_button_conversation(kv):
    kv.goto().open()
    kv.wait_greeting()
    kv.click_choice("Forslag til tiltak", expect_reply="Hvor jobber dere?")
    greeting_buttons = kv.page.locator(".kvw-log > .kvw-bot").first.locator("button")
    chosen = kv.page.locator(".kvw-log > .kvw-bot").first.get_by_role("button", name="Forslag til tiltak")
    kv.expect(chosen).to_have_attribute("aria-pressed", "true")
    kv.expect(chosen).to_be_disabled()
    for i in range(greeting_buttons.count()):
        kv.expect(greeting_buttons.nth(i)).to_be_disabled()
    kv.say("barnehage", expect_reply=WHAT_Q)
    kv.say("språk", expect_reply=RESULT_MARK)
    wait_results_complete(kv)
    # Refinements are one tap under the results; each is asked once, then the list is updated.
    kv.click_choice("Hvem gjelder det?", expect_reply=AUDIENCE_Q)
    kv.screenshot("1-audience-buttons")
    kv.click_choice("Hele personalet", expect_reply="Oppdatert med")
    kv.click_choice("Er det forankret?", expect_reply=ANCHORING_Q)
    kv.screenshot("2-anchoring-buttons")
    kv.click_choice("Delvis", expect_reply="Oppdatert med")
    wait_results_complete(kv)
    kv.screenshot("3-results")
    # Clicking shows the button's title as the user's message, not the payload.
    users = kv.page.locator(".kvw-log > .kvw-user .kvw-text").all_inner_texts()
    assert users == ["Forslag til tiltak", "barnehage", "språk", "Hvem gjelder det?", "Hele personalet",
                     "Er det forankret?", "Delvis"]
    assert not any(u.startswith("/") for u in users)
    slots = kv.tracker()["slots"]
    assert slots["audience"] == "alle" and slots["anchoring"] == "delvis"
    # The pressed state survives a reload.
    kv.page.reload()
    kv.expect(kv.panel).to_be_visible()
    pressed = kv.page.locator(".kvw-choice[aria-pressed='true']")
    kv.expect(pressed).to_have_count(5)
    assert pressed.all_inner_texts() == ["Forslag til tiltak", "Hvem gjelder det?", "Hele personalet",
                                         "Er det forankret?", "Delvis"]
    for i in range(5):
        kv.expect(pressed.nth(i)).to_be_disabled()
    kv.screenshot("4-after-reload")


def test_reload_mid_form_keeps_the_conversation_10_of_10(kv_factory):
    kept = 0
    failures = []
    for i in range(10):
        kv = kv_factory(f"-run{i}")
        kv.goto().open()
        kv.wait_greeting()
        sender = kv.session_id()
        kv.say(FIRST, expect_reply=WHERE_Q)
        if i % 2:  # half of the runs reload one question later
            kv.say("barnehage", expect_reply=WHAT_Q)
        before = kv.transcript()
        kv.page.reload()
        kv.expect(kv.panel).to_be_visible()  # still open after the reload
        try:
            assert kv.session_id() == sender, "new sender id after reload"
            assert kv.transcript() == before, "transcript changed by the reload"
            if i % 2:
                kv.say("språk", expect_reply=RESULT_MARK)
            else:
                kv.say("barnehage", expect_reply=WHAT_Q)
            slots = kv.tracker(sender)["slots"]
            assert slots["sector"] == "barnehage" and slots["audience"] == "alle", slots
            if i % 2:
                assert slots["theme"] == "sprak", slots
            assert kv.page.locator(".kvw-log").inner_text().startswith(before[:200])
            kept += 1
        except AssertionError as e:
            failures.append(f"run {i}: {e}")
        if i in (0, 1):
            kv.screenshot("after-reload")
        kv.close()
    assert kept == 10, f"{kept}/10 kept the conversation:\n" + "\n".join(failures)


def test_conversation_follows_to_the_second_page(kv):
    kv.goto().open()
    kv.wait_greeting()
    sender = kv.session_id()
    kv.say(FIRST, expect_reply=WHERE_Q)
    before = kv.transcript()
    kv.page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Søknader og frister").click()
    kv.page.wait_for_url("**/side2.html")
    kv.expect(kv.page.get_by_role("heading", level=1)).to_have_text("Søknader og frister")
    # The panel was open, so it is open on the next page too, with the same conversation.
    kv.expect(kv.panel).to_be_visible()
    assert kv.session_id() == sender
    assert kv.transcript() == before
    kv.screenshot("second-page")
    kv.say("barnehage", expect_reply=WHAT_Q)
    assert kv.tracker(sender)["slots"]["sector"] == "barnehage"
    # Closed on one page stays closed on the next.
    kv.page.get_by_role("button", name="Lukk chatten").click()
    kv.page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Kompetanse").click()
    kv.page.wait_for_url("**/index.html")
    kv.launcher.wait_for()
    kv.expect(kv.panel).to_be_hidden()
    kv.open()
    assert kv.session_id() == sender
    kv.expect(kv.log).to_contain_text(WHAT_Q)


def test_two_tabs_share_one_conversation_without_duplicates(kv):
    kv.goto().open()
    kv.wait_greeting()
    sender = kv.session_id()
    other = kv.context.new_page()
    other.goto(f"{kv.site}/side2.html")
    other.get_by_role("button", name=LAUNCHER).click()
    kv.expect(other.locator(".kvw-log")).to_contain_text("Jeg er Kompetanseveilederen")
    assert other.evaluate("window.KVWidget.sessionId()") == sender
    kv.page.bring_to_front()
    kv.say(FIRST, expect_reply=WHERE_Q)
    kv.say("barnehage", expect_reply=WHAT_Q)
    kv.page.wait_for_timeout(500)
    kv.expect(other.locator(".kvw-log")).to_contain_text(WHAT_Q)
    assert other.locator(".kvw-log").inner_text() == kv.transcript()
    bots = kv.page.locator(".kvw-log > .kvw-bot .kvw-text").all_inner_texts()
    assert len(bots) == len(set(bots)), f"duplicated bot messages: {bots}"
    # The user goes on in the other tab; the first tab follows.
    other.bring_to_front()
    other.get_by_label("Skriv en melding").fill("språk")
    other.get_by_label("Skriv en melding").press("Enter")
    kv.expect(other.locator(".kvw-survey")).to_be_visible()
    kv.expect(kv.page.locator(".kvw-survey")).to_be_visible()
    other.wait_for_timeout(500)
    assert other.locator(".kvw-log").inner_text() == kv.transcript()
    assert kv.page.locator(".kvw-cards").count() == 1
    other.screenshot(path=str(kv.screenshot("first-tab").with_name(f"{kv.name}--second-tab.png")))
    other.close()


def focused(kv) -> dict:
    return kv.page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, id: e.id, cls: e.className, text: (e.textContent || '').trim(),
                label: e.getAttribute('aria-label') || '', pressed: e.getAttribute('aria-pressed')}; }""")


def tab_to(kv, predicate, limit: int = 40, shift: bool = False) -> dict:
    for _ in range(limit):
        kv.page.keyboard.press("Shift+Tab" if shift else "Tab")
        f = focused(kv)
        if predicate(f):
            return f
    raise AssertionError(f"Tab did not reach the element; last focus {focused(kv)}")


def test_keyboard_only(kv):
    kv.goto()
    # Tab from the top of the page to the launcher (it is a real button), Enter opens.
    f = tab_to(kv, lambda f: LAUNCHER in f["text"], limit=30)
    assert f["tag"] == "BUTTON"
    kv.page.keyboard.press("Enter")
    kv.expect(kv.panel).to_be_visible()
    assert focused(kv)["id"] == "kvw-input", "focus did not move into the input on open"
    kv.wait_greeting()
    kv.screenshot("1-open-focus-in-input")
    kv.page.keyboard.type(FIRST)
    n = kv.bot_count()
    kv.page.keyboard.press("Enter")
    kv.wait_bot(WHERE_Q, after=n)
    assert focused(kv)["id"] == "kvw-input"
    # Tab to an answer button ("Barnehage") and press it with Enter.
    f = tab_to(kv, lambda f: "kvw-choice" in f["cls"] and f["text"] == "Barnehage")
    kv.screenshot("2-focus-on-answer-button")
    visible_outline = kv.page.evaluate(
        "() => getComputedStyle(document.activeElement).outlineStyle !== 'none' && "
        "parseFloat(getComputedStyle(document.activeElement).outlineWidth) >= 2")
    assert visible_outline, "no visible focus indicator on the focused button"
    n = kv.bot_count()
    kv.page.keyboard.press("Enter")
    kv.wait_bot(WHAT_Q, after=n)
    assert focused(kv)["id"] == "kvw-input", "focus should return to the input after choosing"
    # Tab stays inside the open dialog (it cycles), and reaches the header controls.
    seen = set()
    for _ in range(60):
        kv.page.keyboard.press("Tab")
        f = focused(kv)
        inside = kv.page.evaluate("() => !!document.activeElement.closest('#kvw-panel')")
        assert inside, f"Tab left the open dialog: {f}"
        seen.add(f["label"] or f["text"] or f["id"])
        if f["label"] == "Lukk chatten":
            break
    assert "Lukk chatten" in seen and "Start på nytt" in seen
    # Escape closes and focus returns to the launcher.
    kv.page.keyboard.press("Escape")
    kv.expect(kv.panel).to_be_hidden()
    assert LAUNCHER in focused(kv)["text"], "focus did not return to the launcher"
    kv.screenshot("3-closed-focus-on-launcher")
    # Enter reopens; the close button (reached with Tab) closes as well.
    kv.page.keyboard.press("Enter")
    kv.expect(kv.panel).to_be_visible()
    assert focused(kv)["id"] == "kvw-input"
    tab_to(kv, lambda f: f["label"] == "Lukk chatten")
    kv.page.keyboard.press("Enter")
    kv.expect(kv.panel).to_be_hidden()
    assert LAUNCHER in focused(kv)["text"]
    kv.expect(kv.launcher).to_have_attribute("aria-expanded", "false")


def test_axe_in_three_states(kv):
    kv.goto().open()
    kv.wait_greeting()
    results = {}
    results["open"] = kv.axe("open")
    kv.screenshot("1-open")
    kv.say(FIRST, expect_reply=WHERE_Q)
    results["form-asking"] = kv.axe("form-asking")
    kv.screenshot("2-form-asking")
    kv.say("barnehage", expect_reply=WHAT_Q)
    kv.say("språk", expect_reply=RESULT_MARK)
    wait_results_complete(kv)
    results["results"] = kv.axe("results")
    kv.screenshot("3-results")
    summary = {k: len(v) for k, v in results.items()}
    print("axe violations per state:", summary)
    bad = {k: v for k, v in results.items() if v}
    assert not bad, "\n".join(f"{k}:\n{format_violations(v)}" for k, v in bad.items())


XSS = [
    "<img src=x onerror=\"window.__xss=1;alert(1)\">",
    "<script>window.__xss=2;alert(2)</script>",
    "[klikk her](javascript:window.__xss=3;alert(3))",
    "<svg onload=\"window.__xss=4\"></svg> <a href=\"javascript:alert(5)\">lenke</a>",
    "**fet** og [ok](https://www.udir.no/) " + "A" * 1900,  # the input takes at most 2000 characters
]


def test_xss_payloads_are_text_and_long_strings_wrap(kv):
    kv.goto().open()
    kv.wait_greeting()
    for payload in XSS:
        n = kv.bot_count()
        kv.say(payload)
        kv.expect(kv.page.locator(".kvw-log > .kvw-user").last).to_contain_text(payload[:40])
        kv.page.wait_for_function(
            "n => document.querySelectorAll('.kvw-log > .kvw-bot, .kvw-log > .kvw-note').length > n", arg=n)
    kv.screenshot("payloads")
    users = kv.page.locator(".kvw-log > .kvw-user .kvw-text")
    assert [users.nth(i).inner_text() for i in range(len(XSS))] == XSS  # shown literally
    assert kv.page.evaluate("typeof window.__xss") == "undefined"
    assert kv.page.locator(".kvw img, .kvw script, .kvw iframe, .kvw-log svg").count() == 0
    # The only svg elements are the widget's own icons on its controls (launcher, close).
    svgs = kv.page.eval_on_selector_all(".kvw svg", """els => els.map(e => ({
        cls: e.getAttribute('class'), hidden: e.getAttribute('aria-hidden'),
        inButton: !!e.closest('button'), events: e.getAttributeNames().filter(a => a.startsWith('on'))}))""")
    assert svgs and all(s["cls"].startswith("kvw-icon ") and s["hidden"] == "true" and s["inButton"]
                        and not s["events"] for s in svgs), svgs
    # A user's markdown is not turned into links; the bot's links are http(s) only.
    assert kv.page.locator(".kvw-user a").count() == 0
    hrefs = kv.page.eval_on_selector_all(".kvw a", "els => els.map(a => a.getAttribute('href'))")
    assert all(h.startswith(("https://", "http://")) for h in hrefs), hrefs
    # The long unbroken string wraps inside the panel.
    overflow = kv.page.evaluate("""() => {
        const log = document.querySelector('.kvw-log');
        const panel = document.querySelector('.kvw-panel').getBoundingClientRect();
        const bubbles = Array.from(document.querySelectorAll('.kvw-msg'));
        return {logScroll: log.scrollWidth - log.clientWidth,
                outside: bubbles.filter(b => b.getBoundingClientRect().right > panel.right + 1).length};
    }""")
    assert overflow == {"logScroll": 0, "outside": 0}, overflow
    # The same renderer on bot text: only http(s) links, no elements from markup, bold works.
    rendered = kv.page.evaluate("""() => {
        const el = window.KVWidget.renderText(
          '**Viktig:** se [Udir](https://www.udir.no/kompetanse) og https://www.regjeringen.no/. ' +
          '[x](javascript:window.__xss=9) <img src=x onerror="window.__xss=8"> <script>window.__xss=7</script>\\nny linje');
        document.body.appendChild(el);
        return {html: el.innerHTML, links: Array.from(el.querySelectorAll('a')).map(a => [a.href, a.target, a.rel]),
                strong: Array.from(el.querySelectorAll('strong')).map(s => s.textContent),
                elements: Array.from(el.querySelectorAll('*')).map(e => e.tagName.toLowerCase())};
    }""")
    assert rendered["strong"] == ["Viktig:"]
    assert rendered["links"] == [
        ["https://www.udir.no/kompetanse", "_blank", "noopener noreferrer"],
        ["https://www.regjeringen.no/", "_blank", "noopener noreferrer"]]
    assert set(rendered["elements"]) <= {"strong", "a", "span"}, rendered["elements"]
    kv.page.wait_for_timeout(300)
    assert kv.page.evaluate("typeof window.__xss") == "undefined"


def test_narrow_375px_layout(kv_factory):
    kv = kv_factory(viewport=(375, 740))
    kv.goto()
    kv.screenshot("1-page")
    kv.open()
    kv.wait_greeting()
    kv.say(FIRST, expect_reply=WHERE_Q)
    kv.say("barnehage", expect_reply=WHAT_Q)
    kv.say("språk", expect_reply=RESULT_MARK)
    wait_results_complete(kv)
    kv.screenshot("2-results")
    m = kv.page.evaluate("""() => {
        const r = document.querySelector('.kvw-panel').getBoundingClientRect();
        const log = document.querySelector('.kvw-log');
        return {scrollWidth: document.documentElement.scrollWidth, left: r.left, right: r.right,
                top: r.top, bottom: r.bottom, width: r.width, vw: innerWidth, vh: innerHeight,
                logOverflow: log.scrollWidth - log.clientWidth};
    }""")
    assert m["scrollWidth"] <= 375, m
    assert m["left"] >= 0 and m["right"] <= 375 and m["top"] >= 0 and m["bottom"] <= m["vh"], m
    assert m["width"] == 375, m  # full width on a phone
    assert m["logOverflow"] == 0, m
    # prefers-reduced-motion (the context asks for it): the typing dots do not animate.
    assert kv.page.evaluate(
        "getComputedStyle(document.querySelector('.kvw-dots span')).animationName") == "none"
    input_box = kv.input.bounding_box()
    assert input_box["x"] >= 0 and input_box["x"] + input_box["width"] <= 375


def test_start_over_gives_a_fresh_sender(kv):
    kv.goto().open()
    kv.wait_greeting()
    first = kv.session_id()
    kv.say(FIRST, expect_reply=WHERE_Q)
    kv.screenshot("1-before")
    kv.page.locator(".kvw-header").get_by_role("button", name="Start på nytt").click()
    second = kv.session_id()
    assert second and second != first
    kv.wait_greeting()
    kv.expect(kv.page.locator(".kvw-log > .kvw-user")).to_have_count(0)
    kv.expect(kv.page.locator(".kvw-privacy")).to_be_visible()
    kv.screenshot("2-after-header-restart")
    # The new sender has a fresh tracker on the server; the old one is untouched.
    assert wait_until(lambda: kv.user_texts(second) == ["/greet"]), kv.user_texts(second)
    assert FIRST in kv.user_texts(first)
    # Reload keeps the new session, not the old one.
    kv.page.reload()
    kv.expect(kv.panel).to_be_visible()
    assert kv.session_id() == second
    kv.expect(kv.log).not_to_contain_text(FIRST)
    # The bot's own "Start på nytt" button does the same.
    kv.say("språk i barnehagen for hele personalet", expect_reply=RESULT_MARK)
    wait_results_complete(kv)
    kv.page.locator(".kvw-log .kvw-choice:not([disabled])", has_text="Start på nytt").last.click()
    third = kv.session_id()
    assert third not in (first, second)
    kv.wait_greeting()
    kv.expect(kv.page.locator(".kvw-log > .kvw-user")).to_have_count(0)
    assert wait_until(lambda: kv.user_texts(third) == ["/greet"]), kv.user_texts(third)
    kv.screenshot("3-after-bot-restart")


def test_slett_samtalen_min_deletes_on_the_server_and_in_the_browser(kv):
    kv.goto().open()
    kv.wait_greeting()
    kv.expect(kv.page.locator(".kvw-privacy")).to_contain_text("slett samtalen min")
    first = kv.session_id()
    kv.say(FIRST, expect_reply=WHERE_Q)
    assert FIRST in kv.user_texts(first)
    kv.say("slett samtalen min")  # the transcript is replaced by the confirmation alone
    kv.expect(kv.log).to_contain_text("Samtalen din er slettet")
    assert wait_until(lambda: kv.session_id() != first)
    kv.expect(kv.log).not_to_contain_text(FIRST)
    kv.expect(kv.page.locator(".kvw-log > .kvw-user")).to_have_count(0)
    kv.screenshot("1-deleted")
    assert kv.user_texts(first) == []  # nothing left on the server
    assert FIRST not in kv.page.evaluate("JSON.stringify(window.localStorage)")
    kv.page.reload()
    kv.expect(kv.panel).to_be_visible()
    kv.expect(kv.log).not_to_contain_text(FIRST)
    # The next message starts a new conversation under the new id.
    kv.say("hva er rekomp?", expect_reply="Rekomp")
    assert "hva er rekomp?" in kv.user_texts(kv.session_id())


def test_lost_connection_is_shown_and_recovers(kv):
    kv.goto().open()
    kv.wait_greeting()
    sender = kv.session_id()
    kv.say(FIRST, expect_reply=WHERE_Q)
    banner = kv.page.locator(".kvw-conn")
    kv.expect(banner).to_be_hidden()
    kv.context.set_offline(True)
    kv.expect(banner).to_be_visible(timeout=15_000)
    kv.expect(banner).to_have_text("Mistet forbindelsen – prøver igjen …")
    kv.expect(banner).to_have_attribute("role", "status")
    # A message typed while offline is kept and sent when the connection is back.
    kv.input.fill("barnehage")
    kv.input.press("Enter")
    kv.expect(kv.page.locator(".kvw-log > .kvw-user").last).to_contain_text("Sendes når forbindelsen er tilbake")
    kv.screenshot("1-offline")
    time.sleep(2)  # a few failed reconnection attempts
    kv.expect(banner).to_be_visible()
    kv.context.set_offline(False)
    kv.wait_bot(WHAT_Q, timeout=30_000)
    kv.expect(banner).to_be_hidden(timeout=10_000)
    kv.expect(kv.page.locator(".kvw-queued")).to_have_count(0)
    kv.screenshot("2-recovered")
    assert kv.session_id() == sender
    assert kv.user_texts(sender)[-1] == "barnehage"
    kv.say("språk", expect_reply=RESULT_MARK)


def test_feedback_reaches_the_tracker(kv):
    kv.goto().open()
    kv.wait_greeting()
    sender = kv.session_id()
    guided_to_results(kv)
    wait_results_complete(kv)
    cards = kv.page.locator(".kvw-card")
    assert 1 <= cards.count() <= 4
    card = cards.first
    kv.expect(card.get_by_role("heading", level=3)).to_contain_text("1.")
    kv.expect(card).to_contain_text("Passer fordi")
    kv.expect(card).to_contain_text("Kilde")
    card_id = kv.page.evaluate(
        "() => JSON.parse(localStorage.getItem('kvw:transcript:' + KVWidget.sessionId()))"
        ".find(i => i.k === 'cards').cards[0].id")
    n_users = kv.page.locator(".kvw-log > .kvw-user").count()
    up = card.get_by_role("button", name="Nyttig forslag", exact=True)
    up.click()
    kv.expect(up).to_have_attribute("aria-pressed", "true")
    kv.expect(up).to_be_disabled()
    kv.expect(card.get_by_role("button", name="Ikke nyttig forslag")).to_be_disabled()
    kv.expect(kv.page.locator(".kvw-note").last).to_contain_text("Takk")
    kv.screenshot("1-card-rated")
    survey = kv.page.locator(".kvw-survey")
    kv.expect(survey).to_contain_text("Fikk du svar?")
    survey.get_by_role("button", name="Delvis").click()
    kv.expect(survey.get_by_role("button", name="Delvis")).to_have_attribute("aria-pressed", "true")
    kv.expect(survey.get_by_role("button", name="Ja")).to_be_disabled()
    kv.expect(kv.page.locator(".kvw-note")).to_have_count(2)
    kv.screenshot("2-survey-answered")
    # Feedback is not shown as the user's message ...
    assert kv.page.locator(".kvw-log > .kvw-user").count() == n_users
    # ... but reaches the conversation on the server with the contract's payload.
    texts = wait_until(lambda: [t for t in kv.user_texts(sender) if t.startswith("/feedback")] or None)
    assert texts, kv.user_texts(sender)
    events = [e for e in kv.tracker(sender)["events"] if e.get("event") == "user"]
    fb = [e["parse_data"] for e in events if (e.get("text") or "").startswith("/feedback")]
    assert [p["intent"]["name"] for p in fb] == ["feedback", "feedback"], fb
    ents = [{x["entity"]: x["value"] for x in p["entities"]} for p in fb]
    assert ents == [{"rating": "up", "target": card_id}, {"rating": "delvis", "target": "samtale"}], ents
    # Marked after a reload as well.
    kv.page.reload()
    kv.expect(kv.panel).to_be_visible()
    kv.expect(kv.page.locator(".kvw-card").first.get_by_role("button", name="Nyttig forslag", exact=True)).to_have_attribute(
        "aria-pressed", "true")
    kv.expect(kv.page.locator(".kvw-survey").get_by_role("button", name="Delvis")).to_have_attribute(
        "aria-pressed", "true")


# Emoji (pictographs, emoji presentation, VS16 and keycaps): Debian's Chromium has no emoji font
# and draws them as empty boxes, so the widget draws none of its own.
EMOJI_RE_JS = r"/[\p{Extended_Pictographic}\p{Emoji_Presentation}\u{FE0F}\u{20E3}]/u"


def assert_icon_painted(kv, control, what: str) -> None:
    """`control` holds one aria-hidden inline svg with a non-zero box that paints pixels (the control
    looks different with the icon hidden); the svg has no text of its own."""
    svg = control.locator("svg")
    kv.expect(svg).to_have_count(1)
    kv.expect(svg).to_have_attribute("aria-hidden", "true")
    box = svg.bounding_box()
    assert box and box["width"] >= 12 and box["height"] >= 12, (what, box)
    shape = svg.evaluate("""s => {
        const b = s.getBBox(), cs = getComputedStyle(s);
        return {w: b.width, h: b.height, visibility: cs.visibility, opacity: cs.opacity,
                stroke: getComputedStyle(s.querySelector('path')).stroke, color: cs.color,
                text: s.textContent};
    }""")
    assert shape["w"] > 0 and shape["h"] > 0, (what, shape)
    assert shape["visibility"] == "visible" and float(shape["opacity"]) > 0, (what, shape)
    assert shape["stroke"] not in ("none", "rgba(0, 0, 0, 0)"), (what, shape)
    assert shape["text"] == "", (what, shape)
    shown = control.screenshot(animations="disabled", caret="hide")
    svg.evaluate("s => { s.style.visibility = 'hidden'; }")
    try:
        hidden = control.screenshot(animations="disabled", caret="hide")
    finally:
        svg.evaluate("s => { s.style.visibility = ''; }")
    assert shown != hidden, f"{what}: the icon paints nothing"


def test_icons_are_drawn_as_svg_and_named(kv):
    """Launcher, close and the 👍/👎 under each card are inline SVG (visible without an emoji font)
    with an accessible name; the chosen rating shows as a filled icon; the widget draws no emoji."""
    kv.goto()
    kv.expect(kv.launcher).to_have_accessible_name(LAUNCHER)
    assert_icon_painted(kv, kv.launcher, "launcher")
    kv.open()
    close = kv.panel.get_by_role("button", name="Lukk chatten", exact=True)
    kv.expect(close).to_have_accessible_name("Lukk chatten")
    assert_icon_painted(kv, close, "close")
    kv.wait_greeting()
    guided_to_results(kv)
    wait_results_complete(kv)
    cards = kv.page.locator(".kvw-card")
    n = cards.count()
    assert n >= 1
    for i in range(n):
        card = cards.nth(i)
        buttons = card.locator(".kvw-rate button")
        kv.expect(buttons).to_have_count(2)
        for j, name in enumerate(["Nyttig forslag", "Ikke nyttig forslag"]):
            btn = buttons.nth(j)
            kv.expect(btn).to_have_accessible_name(name)
            kv.expect(card.get_by_role("button", name=name, exact=True)).to_have_count(1)
            kv.expect(btn).to_have_attribute("aria-pressed", "false")
            assert btn.text_content() == "", "the feedback button's name is its aria-label, not a glyph"
            assert_icon_painted(kv, btn, f"card {i + 1}: {name}")
    kv.screenshot("1-icons")

    # The pressed state stays visible: a filled thumb on the primary colour (and aria-pressed).
    def fills(card):
        return card.locator(".kvw-rate button").evaluate_all("""bs => bs.map(b => ({
            pressed: b.getAttribute('aria-pressed'), bg: getComputedStyle(b).backgroundColor,
            fill: Array.from(b.querySelectorAll('.kvw-icon-fill')).map(p => getComputedStyle(p).fill)}))""")

    before = fills(cards.first)
    assert all(f["fill"] and set(f["fill"]) == {"none"} for f in before), before
    down = cards.first.get_by_role("button", name="Ikke nyttig forslag", exact=True)
    down.click()
    kv.expect(down).to_have_attribute("aria-pressed", "true")
    kv.expect(kv.page.locator(".kvw-note").last).to_contain_text("Takk")
    up_state, down_state = fills(cards.first)
    assert up_state["pressed"] == "false" and set(up_state["fill"]) == {"none"}, up_state
    assert down_state["pressed"] == "true" and "none" not in down_state["fill"], down_state
    assert down_state["bg"] != up_state["bg"], (up_state, down_state)
    primary = kv.page.evaluate("""() => { const d = document.createElement('div');
        d.style.color = getComputedStyle(document.querySelector('.kvw')).getPropertyValue('--kvw-primary');
        document.body.appendChild(d); const c = getComputedStyle(d).color; d.remove(); return c; }""")
    assert down_state["bg"] == primary, (down_state, primary)
    assert_icon_painted(kv, down, "pressed 'Ikke nyttig forslag'")
    kv.screenshot("2-pressed")
    # Still filled after a reload.
    kv.page.reload()
    kv.expect(kv.panel).to_be_visible()
    kv.expect(kv.page.locator(".kvw-card").first.get_by_role(
        "button", name="Ikke nyttig forslag", exact=True)).to_have_attribute("aria-pressed", "true")
    assert "none" not in fills(kv.page.locator(".kvw-card").first)[1]["fill"]

    # No emoji in what the widget itself draws: button texts and names, pseudo-element content,
    # its own labels (bot and user message texts excluded), nor in the widget's files.
    found = kv.page.evaluate("""async () => {
        const re = """ + EMOJI_RE_JS + """;
        const bad = [];
        const root = document.querySelector('.kvw');
        for (const b of root.querySelectorAll('button')) {
          for (const s of [b.textContent, b.getAttribute('aria-label') || '', b.title || ''])
            if (re.test(s)) bad.push('button: ' + s);
        }
        for (const e of [root, ...root.querySelectorAll('*')]) {
          for (const pseudo of ['::before', '::after']) {
            const c = getComputedStyle(e, pseudo).content;
            if (c && c !== 'none' && c !== 'normal' && re.test(c)) bad.push(pseudo + ': ' + c);
          }
        }
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (n.parentElement.closest('.kvw-text, .kvw-note, [aria-live="polite"]')) continue;
          if (re.test(n.data)) bad.push('text: ' + n.data);
        }
        for (const f of ['widget/kv-widget.js', 'widget/kv-widget.css', 'index.html', 'side2.html']) {
          const r = await fetch(f, {cache: 'no-store'});
          const body = await r.text();
          if (!r.ok) bad.push(f + ': HTTP ' + r.status);
          const m = body.match(new RegExp(re.source, 'gu'));
          if (m) bad.push(f + ': ' + m.join(' '));
        }
        return bad;
    }""")
    assert found == [], found
    violations = kv.axe("icons-pressed")
    assert not violations, format_violations(violations)


def test_new_messages_control_when_scrolled_up(kv):
    kv.goto().open()
    kv.wait_greeting()
    guided_to_results(kv)
    wait_results_complete(kv)
    newer = kv.page.get_by_role("button", name="Nye meldinger ↓")
    kv.expect(newer).to_be_hidden()
    n = kv.bot_count()
    # Send, then scroll up at once (as a reader would) before the answer arrives; the typing
    # indicator shows while waiting.
    typing_shown = kv.page.evaluate("""() => {
        const input = document.getElementById('kvw-input');
        input.value = 'fortell mer om nummer 2';
        input.form.requestSubmit();
        document.querySelector('.kvw-log').scrollTop = 0;
        const t = document.querySelector('.kvw-typing');
        return !t.hidden && t.textContent.includes('skriver');
    }""")
    assert typing_shown, "no typing indicator while waiting for the answer"
    kv.wait_bot("sist kontrollert", after=n)
    kv.expect(kv.page.locator(".kvw-typing")).to_be_hidden()
    kv.expect(newer).to_be_visible()
    assert kv.page.evaluate("document.querySelector('.kvw-log').scrollTop") < 50, "the widget scrolled anyway"
    kv.screenshot("new-messages-control")
    newer.click()
    kv.expect(newer).to_be_hidden()
    assert kv.page.evaluate(
        "(() => { const l = document.querySelector('.kvw-log'); "
        "return l.scrollHeight - l.scrollTop - l.clientHeight < 60; })()")


def test_nynorsk_labels_and_contrast_guard(kv):
    """The config object: lang=nn gives nynorsk labels; a too light primary colour is darkened."""
    kv.context.add_init_script(
        "window.KVWidgetConfig = {lang: 'nn', color: '#7fb2e5', title: 'Kompetanserettleiaren', "
        "storagePrefix: 'kvnn'};")
    kv.page.goto(f"{kv.site}/index.html")
    launcher = kv.page.get_by_role("button", name="Spør Kompetanserettleiaren")
    launcher.click()
    kv.expect(kv.page.get_by_role("dialog", name="Kompetanserettleiaren")).to_be_visible()
    kv.expect(kv.page.get_by_label("Skriv ei melding")).to_be_focused()
    kv.expect(kv.page.locator(".kvw-privacy")).to_contain_text("Ikkje skriv namn")
    kv.wait_greeting("nn")  # the greeting payload carries the page's language
    primary = kv.page.evaluate(
        "getComputedStyle(document.querySelector('.kvw')).getPropertyValue('--kvw-primary').trim()")
    assert primary.lower() != "#7fb2e5", primary
    kv.screenshot("nynorsk")
    violations = kv.axe("nynorsk-light-colour")
    assert not violations, format_violations(violations)
