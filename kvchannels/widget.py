"""Rasa's socket.io channel with working session persistence, for the chat widget.

Rasa 3.6.21's `SocketIOInput` calls `sio.enter_room(sid, session_id)` without `await`
(rasa/core/channels/socketio.py, `session_request`). Since python-socketio 5.10,
`AsyncServer.enter_room` is a coroutine, so with the python-socketio Rasa resolves to here
(5.18) the socket never joins the session's room, and with `session_persistence: true` every
bot message (emitted to that room) is lost ("coroutine 'AsyncServer.enter_room' was never
awaited"; RasaHQ/rasa#13027). This subclass makes `enter_room` on its server synchronous again
by calling the manager's synchronous `basic_enter_room`, which is what the coroutine does too.
Messages pass kvchannels.guard first (cleaning, limits, payload check, "slett samtalen min",
masking of personal data, apologies instead of silence). Everything else, including the channel
name "socketio", is Rasa's own.

credentials.yml:  kvchannels.widget.WidgetSocketIOInput: {session_persistence: true, ...}
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from kvchannels.guard import Guard, remember_app


class WidgetSocketIOInput(SocketIOInput):
    """`SocketIOInput` whose `session_request` really joins the session's room."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guard = Guard(lambda: self._app)
        bp = super().blueprint(guard.wrap(on_new_message))
        remember_app(bp, self)
        sio = self.sio
        if sio is not None:
            def enter_room(sid: str, room: str, namespace: Optional[str] = None) -> None:
                sio.manager.basic_enter_room(sid, namespace or "/", room)

            sio.enter_room = enter_room  # type: ignore[method-assign]
        return bp
