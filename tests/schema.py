"""The API's OpenAPI schema, as /api/schema/ serves it, for the schema tests."""

from typing import Any

from rest_framework.test import APIClient


def api_schema() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def response_schema(schema: dict[str, Any], path: str, method: str, status: str) -> dict:
    content = schema["paths"][path][method]["responses"][status]["content"]
    return resolve(schema, content["application/json"]["schema"])


def request_schema(schema: dict[str, Any], path: str, method: str, media_type: str) -> dict:
    content = schema["paths"][path][method]["requestBody"]["content"]
    return resolve(schema, content[media_type]["schema"])
