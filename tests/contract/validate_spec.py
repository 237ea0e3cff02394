"""Validates an OpenAPI 3.1 document with openapi-spec-validator and lists every error briefly.

openapi-spec-validator checks the document against the official OpenAPI 3.1 schema (with the
JSON Schema 2020-12 dialect for the schemas in it) and resolves every $ref. Its own CLI prints the
whole document inside each message; this prints where each error is and what it is.

Usage: python validate_spec.py openapi/openapi.json
"""

import json
import sys

from openapi_spec_validator import OpenAPIV31SpecValidator
from openapi_spec_validator.readers import read_from_filename


def where(error) -> str:
    path = getattr(error, "absolute_path", None) or getattr(error, "path", None) or []
    return "/" + "/".join(str(p) for p in path) if path else "(document)"


def main(path: str) -> int:
    spec, _ = read_from_filename(path)
    if spec.get("openapi", "").split(".")[:2] != ["3", "1"]:
        print(f"FAIL: {path} says openapi {spec.get('openapi')!r}, expected 3.1.x")
        return 1
    errors = []
    try:
        for error in OpenAPIV31SpecValidator(spec).iter_errors():
            errors.append(error)
    except Exception as e:  # a $ref that does not resolve stops the validator
        errors.append(e)
    for error in errors:
        message = getattr(error, "message", None) or str(error)
        message = message.split(" within {")[0]  # an unresolved $ref's message quotes the whole document
        if len(message) > 300:
            message = message[:300] + " …"
        print(f"  error at {where(error)}: {message}")
    operations = sum(1 for item in spec.get("paths", {}).values() for m in item if m in {"get", "put", "post", "delete", "patch", "head", "options", "trace"})
    schemas = len(spec.get("components", {}).get("schemas", {}))
    print(f"{path}: OpenAPI {spec['openapi']}, {operations} operations, {schemas} schemas, {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
