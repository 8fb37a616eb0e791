"""Secret settings, from the environment or from SSM Parameter Store.

On Lambda the template passes parameter *names* (`FOLIO_SECRETS_<SETTING>_PARAMETER`), never values:
each is read at run time through Powertools Parameters (SecureString, decrypted) and cached for
`FOLIO_SECRETS_MAX_AGE_SECONDS`, so a rotated API or admin key is picked up within that time.
The Groq key, the session secret and the Upstash credentials are read when the objects that use
them are built (once per process): a rotation of those reaches new instances.

The Groq key and the Upstash credentials are optional: when the parameter they name does not exist
(SSM's ParameterNotFound) the secret is not configured (logged once per process), exactly as if
no name had been given. Any other failure (throttling, no permission, SSM unreachable) is
Unavailable, as it is for the required secrets, whose absence is never a choice.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from folio.errors import Unavailable

if TYPE_CHECKING:
    from folio.settings import Settings

log = logging.getLogger(__name__)

OPTIONAL = frozenset({"groq_api_key", "upstash_redis_rest_url", "upstash_redis_rest_token"})


class Secrets:
    def __init__(self, settings: Settings, provider: Any | None = None) -> None:
        self.settings = settings
        self._provider = provider
        self._reported_absent: set[str] = set()

    def value(self, name: str) -> str | None:
        """The secret's current value, or None when it is not configured at all."""
        parameter: str | None = getattr(self.settings, f"{name}_parameter")
        if parameter:
            return self._from_ssm(name, parameter)
        current = getattr(self.settings, name)
        if current is None:
            return None
        if isinstance(current, list):
            return ",".join(item.get_secret_value() for item in current) or None
        return str(current.get_secret_value() if hasattr(current, "get_secret_value") else current)

    def api_keys(self) -> list[str]:
        raw = self.value("api_keys") or ""
        return [key.strip() for key in raw.split(",") if key.strip()]

    def _from_ssm(self, name: str, parameter: str) -> str | None:
        try:
            value = self._ssm().get(parameter, decrypt=True, max_age=self.settings.secrets_max_age_seconds)
        except Exception as exc:  # Powertools wraps every SDK failure in its own GetParameterError
            if name in OPTIONAL and _parameter_not_found(exc):
                if name not in self._reported_absent:
                    self._reported_absent.add(name)
                    log.warning(
                        "optional secret not configured: its SSM parameter does not exist",
                        extra={"secret": name, "parameter": parameter},
                    )
                return None
            log.error("secret unavailable", extra={"secret": name, "parameter": parameter, "error": str(exc)})
            raise Unavailable(f"the {name} secret cannot be read right now") from exc
        return str(value)

    def _ssm(self) -> Any:
        if self._provider is None:
            from aws_lambda_powertools.utilities.parameters import SSMProvider

            self._provider = SSMProvider()
        return self._provider


def _parameter_not_found(exc: BaseException) -> bool:
    """Powertools re-raises the SDK's error inside its handler: the SDK's error is the context."""
    from botocore.exceptions import ClientError

    cause = exc.__cause__ or exc.__context__
    return isinstance(cause, ClientError) and cause.response.get("Error", {}).get("Code") == "ParameterNotFound"
