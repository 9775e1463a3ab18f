from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        return [Error("SECRET_KEY is the development default.", hint="Set SECRET_KEY in the environment.",
                      id="tsunagi.E001")]
    return []
