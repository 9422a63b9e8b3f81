"""The action server: `python -m bot.action_server [-p PORT] [rasa_sdk options]`.

rasa_sdk listens on every interface unless told otherwise; ours binds to loopback unless
ACTION_SERVER_HOST says otherwise (a container sets 0.0.0.0 behind its own network). Personal
data (fødselsnummer, e-mail addresses, phone numbers) is masked in every log line it writes.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import List, Optional

log = logging.getLogger(__name__)


def _warm_search() -> None:
    """The catalog search embeds its entries before the first turn too; a catalog database that is
    not reachable yet is no reason not to start (the actions answer that case themselves)."""
    from actions.common import view
    from bot.understanding.semantic import similarities

    try:
        view().search.warm(similarities)
    except Exception as e:  # noqa: BLE001 - warming is an optimisation; the first turn would do it

        log.warning("catalog search not warmed: %s", e)


def main(argv: Optional[List[str]] = None) -> None:
    from bot.settings import get_settings

    os.environ["SANIC_HOST"] = get_settings().action_server_host
    from kvchannels.privacy import install_log_masking

    install_log_masking()
    # The embedding model and the examples' embeddings load before the first turn, not in it.
    from bot.understanding.semantic import warm

    warm()
    _warm_search()
    from rasa_sdk.__main__ import main as sdk_main

    args = list(sys.argv[1:] if argv is None else argv)
    if "--actions" not in args:
        args = ["--actions", "actions", *args]
    sys.argv = [sys.argv[0], *args]
    sdk_main()


if __name__ == "__main__":
    main()
