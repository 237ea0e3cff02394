"""Schemathesis hooks for .ci/contract: every request is authenticated as the CI admin.

The token comes from signing in (THIDUA_URL, THIDUA_USERNAME, THIDUA_PASSWORD). Schemathesis
fetches a new one when a response is 401 — the run itself may call POST /api/v1/auth/logout,
which ends the session the token belongs to.
"""

import os

import requests
import schemathesis


@schemathesis.auth(refresh_interval=600, retry_on=[401])
class AdminBearerToken:
    def get(self, case, context):
        response = requests.post(
            f"{os.environ['THIDUA_URL']}/api/v1/auth/login",
            json={"username": os.environ["THIDUA_USERNAME"], "password": os.environ["THIDUA_PASSWORD"]},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()["access_token"]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
