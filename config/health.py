"""GET /api/health/: are PostgreSQL and Redis reachable? For compose health checks and monitors,
so it asks for no login and says nothing beyond up or down."""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse

logger = logging.getLogger(__name__)


def _database_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("health check: PostgreSQL is unreachable")
        return False


def _redis_up() -> bool:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        return bool(client.ping())
    except Exception:
        logger.exception("health check: Redis is unreachable")
        return False


def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_up(), "redis": _redis_up()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "up" if up else "down" for name, up in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)
