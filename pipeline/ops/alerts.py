"""Tell a person: failure, late publish, review waiting, and (optionally) success, through apprise.

apprise speaks Slack, Matrix, Mattermost, e-mail, generic JSON webhooks (json://, jsons://) and more.
URLs come from `alerts.urls` (no secrets there) and from the environment variable `alerts.urls_env`
names. An alert never stops the pipeline: a delivery failure is logged and the run goes on. The text
never carries a secret: every value of an environment variable the config names is masked.
"""

from __future__ import annotations

import logging
import os

from pipeline.config import Config, secret_env_names

log = logging.getLogger("dailycast")
MAX_BODY = 3500  # chat services cut long messages; the run's details are in `dailycast status`

FAILURE, LATE, SUCCESS, REVIEW = "failure", "late", "success", "review"
_TYPES = {FAILURE: "FAILURE", LATE: "WARNING", SUCCESS: "SUCCESS", REVIEW: "INFO"}  # apprise.NotifyType names


def urls(config: Config, environ=None) -> list[str]:
    environ = os.environ if environ is None else environ
    found = list(config.alerts.urls)
    if config.alerts.urls_env:
        found += environ.get(config.alerts.urls_env, "").split()
    return found


def wanted(config: Config, kind: str, trigger: str) -> bool:
    alerts = config.alerts
    if not alerts.enabled or (trigger == "manual" and not alerts.manual_runs and kind != REVIEW):
        return False
    return {FAILURE: alerts.on_failure, LATE: alerts.on_late, SUCCESS: alerts.on_success, REVIEW: True}[kind]


def send(config: Config, kind: str, title: str, body: str, environ=None) -> bool:
    """Delivers one alert to every configured URL; True if at least one took it."""
    targets = urls(config, environ)
    if not targets:
        return False
    import apprise  # only when there is someone to tell: importing it costs every run 0.1 s

    notifier = apprise.Apprise()
    for index, url in enumerate(targets):
        if not notifier.add(url):
            # The URL itself may hold a token: name its position, never the URL.
            log.warning("alerts: URL %d is not a valid apprise URL; skipping it", index + 1)
    if not len(notifier):
        return False
    known = secrets(config, environ)
    delivered = notifier.notify(title=scrub(f"[{config.show.title}] {title}", known),
                                body=scrub(body, known)[:MAX_BODY],
                                notify_type=getattr(apprise.NotifyType, _TYPES[kind]))
    if not delivered:
        log.warning("alerts: the %s alert could not be delivered to every URL", kind)
    return bool(delivered)


def secrets(config: Config, environ=None) -> list[str]:
    """The values of every environment variable the config names (api keys, alert URLs), longest first."""
    environ = os.environ if environ is None else environ
    values = [environ.get(name, "") for _, name in secret_env_names(config)]
    values += [url for value in values for url in value.split()]
    return sorted({v for v in values if len(v) >= 4}, key=len, reverse=True)


def scrub(text: str, known: list[str]) -> str:
    """`text` with every one of the `known` secrets (from `secrets`) replaced by ***."""
    for secret in known:
        text = text.replace(secret, "***")
    return text
