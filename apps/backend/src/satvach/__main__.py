"""`python -m satvach`: validates the settings, then serves until SIGTERM/SIGINT."""

from __future__ import annotations

import signal
import sys
from types import FrameType

import structlog
import uvicorn

from satvach.logs import configure_logging
from satvach.main import create_app
from satvach.settings import SettingsError, load_settings

EXIT_BAD_CONFIGURATION = 2
EXIT_DID_NOT_START = 1


def _exit_cleanly(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"satvach: {exc}", file=sys.stderr)
        return EXIT_BAD_CONFIGURATION
    configure_logging(settings.log_level)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=settings.shutdown_timeout_s,
        )
    )
    # uvicorn turns SIGTERM/SIGINT into a graceful shutdown, then re-raises the signal to the
    # handler that was there before it; this one makes that a clean exit instead of a kill.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _exit_cleanly)
    server.run()
    if not server.started:
        structlog.get_logger("satvach").error("server_did_not_start")
        return EXIT_DID_NOT_START
    return 0


if __name__ == "__main__":
    sys.exit(main())
