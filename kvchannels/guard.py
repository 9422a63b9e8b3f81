"""What every user message passes before Rasa sees it, and the fail-safes Rasa 3.6 lacks.

Both input channels (REST and the widget's socket.io) hand their `on_new_message` callback to
`Guard.wrap`. For each message the guard

1. cleans the text: Unicode NFC (so "æøå" typed as NFD gives the same result), control
   characters such as NUL removed, whitespace collapsed;
2. answers an empty or too long message itself (KV_MAX_MESSAGE_CHARS, default 1000), politely
   and in the user's written standard, without storing it;
3. lets a `/intent{...}` payload through only when the intent and every entity are in the
   domain, with short string values; anything else loses its leading "/" and goes through NLU
   like typed text. (Slot values from payloads are then validated by the form, like typed ones.);
4. handles "slett samtalen min": deletes the sender's tracker events (under the sender's lock)
   and asks the action server to delete the sender's feedback rows;
5. masks fødselsnummer, e-mail addresses and phone numbers (kvchannels.privacy) before the text
   is parsed, stored or logged;
6. turns a tracker store failure into an apology instead of Rasa's silent fallback to an empty
   in-memory conversation, and any other failure of the turn into an apology.

On import it installs log masking for the whole Rasa process, builds the validator of action
server responses once instead of on every response (see `_validate_action_result`), and wraps
`RemoteAction.run`: a call to the action server has a time limit
(KV_ACTION_TIMEOUT_SECONDS, default 10), and when the action server cannot be reached the turn
goes on without that action's events and the user gets one Norwegian apology at its end instead
of silence; the conversation goes on when the action server is back.

`health(agent)` checks the tracker store, the lock store and the action server; the REST channel
serves it on /webhooks/rest/health (503 when one of them is down).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered
from rasa.shared.exceptions import RasaException

from bot.settings import get_settings
from kvchannels.inputs import check_payload, clean_text, is_delete_request
from kvchannels.privacy import install_log_masking, mask_pii
from kvnlu.language import detect_language

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = get_settings().max_message_chars
ACTION_TIMEOUT_SECONDS = get_settings().action_timeout_seconds
HEALTH_TIMEOUT_SECONDS = 2.0
# Entities only buttons and the widget send, not NLU ('/greet{"language": "nn"}' on nynorsk pages).
PAYLOAD_ONLY_ENTITIES = frozenset({"language"})

TEXTS: Dict[str, Dict[str, str]] = {
    "empty": {
        "nb": "Jeg fikk en tom melding. Skriv gjerne hva du lurer på, for eksempel "
              "«kompetanseheving i språk for hele personalet i barnehagen».",
        "nn": "Eg fekk ei tom melding. Skriv gjerne kva du lurer på, til dømes "
              "«kompetanseheving i språk for heile personalet i barnehagen».",
    },
    "too_long": {
        "nb": "Meldingen din er for lang for meg ({n} tegn). Skriv gjerne det viktigste på "
              "under {max} tegn, så hjelper jeg deg videre.",
        "nn": "Meldinga di er for lang for meg ({n} teikn). Skriv gjerne det viktigaste på "
              "under {max} teikn, så hjelper eg deg vidare.",
    },
    "action_down": {
        "nb": "Beklager, jeg har et teknisk problem og fikk ikke svart på dette nå. Samtalen "
              "din er tatt vare på – prøv igjen om litt.",
        "nn": "Orsak, eg har eit teknisk problem og fekk ikkje svart på dette no. Samtalen "
              "din er teken vare på – prøv igjen om litt.",
    },
    "store_down": {
        "nb": "Beklager, jeg får ikke hentet eller lagret samtalen akkurat nå, så jeg svarer "
              "ikke på dette for å ikke miste det du har skrevet. Prøv igjen om litt.",
        "nn": "Orsak, eg får ikkje henta eller lagra samtalen akkurat no, så eg svarar ikkje "
              "på dette for ikkje å miste det du har skrive. Prøv igjen om litt.",
    },
    "deleted": {
        "nb": "Samtalen din er slettet her hos oss, også eventuelle tilbakemeldinger du har "
              "gitt. Skriver du igjen, starter vi en ny samtale.",
        "nn": "Samtalen din er sletta her hos oss, også eventuelle tilbakemeldingar du har "
              "gitt. Skriv du igjen, startar vi ein ny samtale.",
    },
    "delete_failed": {
        "nb": "Beklager, jeg fikk ikke slettet samtalen akkurat nå. Prøv igjen om litt; "
              "samtaler slettes uansett automatisk etter {days} dager.",
        "nn": "Orsak, eg fekk ikkje sletta samtalen akkurat no. Prøv igjen om litt; "
              "samtalar blir uansett sletta automatisk etter {days} dagar.",
    },
}


def say(key: str, lang: str, **kw: Any) -> str:
    return TEXTS[key]["nn" if lang == "nn" else "nb"].format(**kw)


def remember_app(bp: Any, channel: Any) -> None:
    """Give `channel._app` the Sanic app once the server starts (the guard needs its agent)."""
    channel._app = None

    @bp.listener("before_server_start")
    async def _remember(app: Any, _loop: Any) -> None:
        channel._app = app


# --- the guard -------------------------------------------------------------------------------

# Per-turn state shared with the wrapped RemoteAction.run: did an action call fail?
_TURN: contextvars.ContextVar[Optional[Dict[str, Any]]] = contextvars.ContextVar("kv_turn", default=None)


class TrackerStoreUnavailable(RasaException):
    """The tracker store failed; the turn is refused instead of starting from an empty tracker."""


def _raise_store_error(error: Exception) -> None:
    logger.error("Tracker store unavailable: %s", str(error).splitlines()[0] if str(error) else error)
    raise TrackerStoreUnavailable(str(error)) from error


def make_tracker_store_strict(agent: Any) -> None:
    """Rasa's FailSafeTrackerStore silently falls back to an empty in-memory tracker; refuse."""
    store = getattr(agent, "tracker_store", None)
    if store is None or not hasattr(store, "on_tracker_store_retrieve_error") \
            or getattr(store, "_kv_strict", False):
        return
    inner = getattr(store, "_tracker_store", store)

    def on_error(error: Exception) -> None:
        engine = getattr(inner, "engine", None)
        if engine is not None:
            engine.dispose()  # drop broken pooled connections: the next turn connects afresh
        _raise_store_error(error)

    store.on_tracker_store_retrieve_error = on_error
    store.on_tracker_store_error = on_error
    store._kv_strict = True


class Guard:
    """Wraps a channel's `on_new_message`; `app_getter` returns the Sanic app (for the agent)."""

    def __init__(self, app_getter: Callable[[], Any]) -> None:
        self._app_getter = app_getter
        self._domain_names: Optional[Tuple[frozenset, frozenset]] = None

    def agent(self) -> Any:
        app = self._app_getter()
        return getattr(getattr(app, "ctx", None), "agent", None) if app is not None else None

    def _names(self, agent: Any) -> Tuple[frozenset, frozenset]:
        domain = getattr(agent, "domain", None)
        if domain is None:
            return frozenset(), frozenset()
        if self._domain_names is None:
            self._domain_names = (frozenset(domain.intents),
                                  frozenset(domain.entities) | PAYLOAD_ONLY_ENTITIES)
        return self._domain_names

    def wrap(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
             ) -> Callable[[UserMessage], Awaitable[Any]]:
        async def guarded(message: UserMessage) -> None:
            await self.handle(message, on_new_message)
        return guarded

    async def handle(self, message: UserMessage,
                     on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        agent = self.agent()
        out, sender = message.output_channel, message.sender_id
        text = clean_text(message.text)
        if not text:
            await out.send_text_message(sender, say("empty", await self._language(agent, sender, "")))
            return
        if len(text) > MAX_MESSAGE_CHARS:
            lang = await self._language(agent, sender, text[:MAX_MESSAGE_CHARS])
            await out.send_text_message(sender, say("too_long", lang, n=len(text), max=MAX_MESSAGE_CHARS))
            return
        if agent is not None:
            make_tracker_store_strict(agent)
            text = check_payload(text, *self._names(agent))
        if is_delete_request(text):
            await self._delete(agent, message, text)
            return
        text = mask_pii(text)
        message.text = text
        state: Dict[str, Any] = {"action_failed": False}
        token = _TURN.set(state)
        try:
            await on_new_message(message)
        except TrackerStoreUnavailable:
            await out.send_text_message(sender, say("store_down", detect_language(text) or "nb"))
            return
        except Exception:  # noqa: BLE001 - the user always gets an answer
            logger.exception("Turn failed for a message of %d characters.", len(text))
            state["action_failed"] = True
        finally:
            _TURN.reset(token)
        if state["action_failed"]:
            # One apology per turn, however many actions failed; it is not stored in the tracker.
            await out.send_text_message(sender, say("action_down", await self._language(agent, sender, text)))

    async def _language(self, agent: Any, sender: str, text: str) -> str:
        found = detect_language(text) if text else None
        if found:
            return found
        try:
            tracker = await agent.tracker_store.retrieve(sender) if agent is not None else None
        except Exception:  # noqa: BLE001 - language is a nicety
            tracker = None
        return "nn" if tracker is not None and tracker.get_slot("language") == "nn" else "nb"

    async def _delete(self, agent: Any, message: UserMessage, text: str) -> None:
        sender, out = message.sender_id, message.output_channel
        lang = await self._language(agent, sender, text)
        try:
            await forget_feedback(agent, sender)
            events = await delete_conversation(agent, sender)
        except Exception as exc:  # noqa: BLE001
            logger.error("Deleting a conversation failed: %s", exc)
            days = get_settings().retention_days
            await out.send_text_message(sender, say("delete_failed", lang, days=days))
            return
        logger.info("Deleted a conversation on the user's request (%d events).", events)
        await out.send_text_message(sender, say("deleted", lang))
        await out.send_custom_json(sender, {"data": {"type": "conversation_deleted"}})


async def delete_conversation(agent: Any, sender_id: str) -> int:
    """Delete every stored event of `sender_id`, holding the sender's lock."""
    store = agent.tracker_store
    inner = getattr(store, "_tracker_store", store)
    async with agent.lock_store.lock(sender_id):
        if hasattr(inner, "SQLEvent") and hasattr(inner, "session_scope"):
            with inner.session_scope() as session:
                n = session.query(inner.SQLEvent).filter(inner.SQLEvent.sender_id == sender_id) \
                    .delete(synchronize_session=False)
                session.commit()
                return int(n)
        if hasattr(inner, "store") and isinstance(inner.store, dict):  # InMemoryTrackerStore
            return 1 if inner.store.pop(sender_id, None) is not None else 0
        raise RasaException(f"cannot delete from {type(inner).__name__}")


async def forget_feedback(agent: Any, sender_id: str) -> None:
    """Ask the action server to delete what the application stored for this sender."""
    endpoint = getattr(agent, "action_endpoint", None)
    if endpoint is None:
        return
    body = {"next_action": "action_delete_my_data", "sender_id": sender_id, "version": "3.6.21",
            "domain": {}, "tracker": {"sender_id": sender_id, "slots": {}, "latest_message": {},
                                      "events": [], "paused": False, "followup_action": None,
                                      "active_loop": {}, "latest_action_name": None}}
    await asyncio.wait_for(endpoint.request(json=body, method="post"), ACTION_TIMEOUT_SECONDS)


# --- health ----------------------------------------------------------------------------------

async def health(agent: Any) -> Dict[str, str]:
    """'ok' or 'unavailable: …' for the tracker store, the lock store and the action server."""
    result: Dict[str, str] = {}
    if agent is None:
        return {"model": "unavailable: not loaded"}
    store = agent.tracker_store
    inner = getattr(store, "_tracker_store", store)
    checks = {"tracker_store": lambda: _check_sql(inner),
              "lock_store": lambda: _check_lock(agent.lock_store)}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(None, check),
                                   HEALTH_TIMEOUT_SECONDS)
            result[name] = "ok"
        except Exception as exc:  # noqa: BLE001
            result[name] = f"unavailable: {type(exc).__name__}"
            logger.error("Health check: %s unavailable: %s", name, str(exc).splitlines()[0] if str(exc) else exc)
    endpoint = getattr(agent, "action_endpoint", None)
    if endpoint is not None:
        try:
            health_url = endpoint.url.rsplit("/", 1)[0] + "/health"
            from rasa.utils.endpoints import EndpointConfig
            await asyncio.wait_for(EndpointConfig(health_url).request(method="get"),
                                   HEALTH_TIMEOUT_SECONDS)
            result["action_server"] = "ok"
        except Exception as exc:  # noqa: BLE001
            result["action_server"] = f"unavailable: {type(exc).__name__}"
            logger.error("Health check: action server unavailable: %s", exc)
    return result


def _check_sql(inner: Any) -> None:
    engine = getattr(inner, "engine", None)
    if engine is None:
        return  # in-memory tracker store
    import sqlalchemy as sa
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))


def _check_lock(lock_store: Any) -> None:
    red = getattr(lock_store, "red", None)
    if red is not None:
        red.ping()


# --- the action server wrapper ---------------------------------------------------------------

_original_run = RemoteAction.run


async def _run_with_apology(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any,
                            domain: Any) -> list:
    started = time.monotonic()
    try:
        return await asyncio.wait_for(_original_run(self, output_channel, nlg, tracker, domain),
                                      ACTION_TIMEOUT_SECONDS)
    except ActionExecutionRejection:
        raise
    except (RasaException, asyncio.TimeoutError) as exc:
        logger.error("Action %s failed after %.1f s: %s", self.name(), time.monotonic() - started,
                     type(exc).__name__)
        state = _TURN.get()
        if state is not None:
            state["action_failed"] = True  # the guard apologises once the turn is over
            return []
        return [BotUttered(say("action_down", "nn" if tracker.get_slot("language") == "nn" else "nb"))]


_response_validator: Any = None


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    """Rasa's check of an action server response, with the validator built once.

    Rasa calls `jsonschema.validate(result, schema)` on every action response, which checks
    the schema itself against its metaschema each time; under load that was 18 % of the Rasa
    process's CPU (py-spy, 10 concurrent conversations). Same schema, same errors, same message.
    """
    global _response_validator
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for

    if _response_validator is None:
        spec = self.action_response_format_spec()
        cls = validator_for(spec)
        cls.check_schema(spec)
        _response_validator = cls(spec)
    try:
        _response_validator.validate(result)
        return True
    except ValidationError as e:
        e.message += (". Failed to validate Action server response from API, make sure your "
                      "response from the Action endpoint is valid.")
        raise e


install_log_masking()  # every log line of the Rasa process, whichever logger wrote it

if not getattr(RemoteAction.run, "_kv_wrapped", False):
    _run_with_apology._kv_wrapped = True  # type: ignore[attr-defined]
    RemoteAction.run = _run_with_apology  # type: ignore[method-assign]
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
