"""The whole legal cycle, driven by a client that openapi-python-client generated from
openapi/openapi.json — no hand-written HTTP, no patched document (issue 10, "Done when").

sign-in → units (communes) → campaign (create, indicator, launch) → a commune's registration
(submit, accept) → an achievement with an evidence upload (verified) → a person → a rule change
that needs a council vote → a nomination with its dossier (submit, appraise) → a council session
with three members' ballots (closed: approved) → public posting with a comment from the public
(reviewed) → the posting period passes → a decision by an approver → the award history → reports
in JSON, CSV and XLSX.

The generated package must be importable as `thidua_client` (PYTHONPATH). Only operation ids,
field names and wire values are written here — the contract itself; every request and response
goes through the generated functions and models (`Model.from_dict` builds request bodies from
their wire form, so a schema rename in the document needs no change here).

Environment: THIDUA_URL, THIDUA_USERNAME, THIDUA_PASSWORD (an admin), and THIDUA_CLOCK_FILE: the
libfaketime timestamp file of the server under test (.ci/contract). A posting period must be
over before a decision is dated after it and not in the future, and nothing in the API moves a
date: the cycle lets the server's clock run forward, as time would.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import io
import json
import os
import pkgutil
import sys
import time
import traceback
import typing
import uuid

import thidua_client.api
from thidua_client import AuthenticatedClient, Client
from thidua_client.models import Problem
from thidua_client.types import UNSET, File, Unset

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PASSWORD = "Chu trinh thi dua 2026!"
XLSX_MAGIC = b"PK\x03\x04"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CycleFailed(Exception):
    pass


# --- the generated client, by operation id ---------------------------------------------------

def generated_operations() -> dict[str, typing.Any]:
    ops = {}
    for tag in pkgutil.iter_modules(thidua_client.api.__path__):
        package = importlib.import_module(f"thidua_client.api.{tag.name}")
        for module in pkgutil.iter_modules(package.__path__):
            ops[module.name] = importlib.import_module(f"thidua_client.api.{tag.name}.{module.name}")
    return ops


OPS = generated_operations()
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "openapi", "openapi.json")) as _f:
    DOCUMENT = json.load(_f)


def op(operation_id: str):
    try:
        return OPS[operation_id]
    except KeyError:
        raise CycleFailed(f"the generated client has no operation {operation_id}") from None


def hints(operation_id: str) -> dict[str, typing.Any]:
    return typing.get_type_hints(op(operation_id).sync_detailed)


def body(operation_id: str, wire: dict):
    """The request body of an operation, built by its generated model from the JSON it stands for."""
    model = hints(operation_id)["body"]
    return model.from_dict(wire)


def enum_param(operation_id: str, name: str, value: str):
    """A generated enum parameter from its wire value."""
    hint = hints(operation_id)[name]
    for candidate in (hint, *typing.get_args(hint)):
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            return candidate(value)
    raise CycleFailed(f"{operation_id}: parameter {name} is not an enum in the generated client ({hint})")


def wire(value) -> typing.Any:
    """A generated model (or list of them) back in its wire form, for comparisons."""
    if isinstance(value, list):
        return [wire(v) for v in value]
    return value.to_dict() if hasattr(value, "to_dict") else value


def call(operation_id: str, *args, expect: int, **kwargs):
    """Calls a generated operation; the status must be `expect`. Returns (parsed, response)."""
    response = op(operation_id).sync_detailed(*args, **kwargs)
    if response.status_code != expect:
        detail = response.parsed.to_dict() if isinstance(response.parsed, Problem) else response.content[:500]
        raise CycleFailed(f"{operation_id}: expected {expect}, got {int(response.status_code)}: {detail}")
    if isinstance(response.parsed, Problem):
        raise CycleFailed(f"{operation_id}: {expect} parsed as a problem: {response.parsed.to_dict()}")
    return response.parsed, response


def etag(response) -> str:
    tag = response.headers.get("etag")
    if not tag:
        raise CycleFailed("no ETag on a response that should carry one")
    return tag


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CycleFailed(message)


# --- sessions --------------------------------------------------------------------------------

BASE = os.environ["THIDUA_URL"]
anonymous = Client(base_url=BASE, raise_on_unexpected_status=True)


def sign_in(username: str, password: str) -> AuthenticatedClient:
    tokens, _ = call("login", client=anonymous, body=body("login", {"username": username, "password": password}), expect=200)
    return AuthenticatedClient(base_url=BASE, token=tokens.access_token, raise_on_unexpected_status=True)


def for_downloads(client: AuthenticatedClient) -> AuthenticatedClient:
    """The same session, for file downloads (evidence, dossier documents, XLSX reports).
    openapi-python-client models only JSON, text/* and application/octet-stream responses: a
    file documented under its real media type (application/pdf, image/png, XLSX…) is left out of
    the generated parser, so a strict generated client would call its 200 undocumented. The
    call is still the generated function; the file is the response's `.content`."""
    return AuthenticatedClient(base_url=BASE, token=client.token, raise_on_unexpected_status=False)


def server_now() -> dt.datetime:
    """The server's clock, from the Date header of its answer."""
    _, res = call("get_liveness", client=anonymous, expect=200)
    return dt.datetime.strptime(res.headers["date"], "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=dt.timezone.utc)


def vietnam_date(instant: dt.datetime) -> dt.date:
    return instant.astimezone(dt.timezone(dt.timedelta(hours=7))).date()


# --- the cycle -------------------------------------------------------------------------------

class Cycle:
    def __init__(self) -> None:
        self.tag = uuid.uuid4().hex[:6]
        self.server_today = vietnam_date(server_now())

    def today(self) -> dt.date:
        """Today in Vietnam by the server's clock (which this cycle moves forward)."""
        return self.server_today

    def step(self, name: str, fn) -> None:
        started = time.monotonic()
        try:
            fn()
        except Exception:
            print(f"  FAIL {name}")
            raise
        print(f"  ok  {name} ({time.monotonic() - started:.1f} s)")

    def run(self) -> None:
        documented = self.documented_operations()
        missing = sorted(documented - set(OPS))
        if missing:
            # Not fatal yet: the cycle goes as far as it can, to show what else breaks.
            print(f"  FAIL operations in the document but not in the generated client: {', '.join(missing)}")
        else:
            print(f"  ok  the generated client has all {len(documented)} operations")
        problems = [f"{len(missing)} operations missing from the generated client"] if missing else []
        try:
            self.step("sign in as the admin", self.sign_in)
            self.step("units: communes in force today, one picked", self.units)
            self.step("campaign: created, indicator added, launched (If-Match)", self.campaign)
            self.step("a unit officer registers the commune's targets; the board accepts", self.registration)
            self.step("achievement reported with an evidence upload, downloaded back, verified", self.achievement)
            self.step("person; the award's rules change to need a council vote (new version)", self.person_and_rules)
            self.step("nomination with its dossier (3 documents), submitted, appraised", self.nomination)
            self.step("standing council of three; its session: each votes, the board closes it → approved", self.council)
            self.step("public posting: listed without sign-in, a comment from the public, reviewed", self.posting)
            self.step("the posting period passes (the server's clock moves forward)", self.time_passes)
            self.step("decision by an approver: the nomination becomes an award", self.decision)
            self.step("award history by person and by unit", self.history)
        except Exception as e:  # noqa: BLE001 — reported; the reports below need none of it
            problems.append(report_exception(e))
            if not hasattr(self, "admin"):
                raise CycleFailed("; ".join(problems)) from None
            print("  (the cycle stopped there; the reports are still tried, on the data the server has)")
        try:
            self.reports()
        except Exception as e:  # noqa: BLE001
            problems.append(report_exception(e))
        check(not problems, " · ".join(problems))

    @staticmethod
    def documented_operations() -> set[str]:
        return {o["operationId"] for item in DOCUMENT["paths"].values() for o in item.values() if isinstance(o, dict) and "operationId" in o}

    def sign_in(self) -> None:
        self.admin = sign_in(os.environ["THIDUA_USERNAME"], os.environ["THIDUA_PASSWORD"])
        me, _ = call("get_me", client=self.admin, expect=200)
        check("admin" in [str(r) for r in me.roles], f"{me.username} is not an admin: {wire(me.roles)}")

    def units(self) -> None:
        page, _ = call("list_communes", client=self.admin, active_on=self.today(), limit=100, expect=200)
        check(len(page.items) > 0, "no commune in force today in the seeded registry")
        self.commune = page.items[0]
        check(self.commune.active, "a commune in force today is not active")
        found, _ = call("get_commune_by_code", self.commune.code, client=self.admin, expect=200)
        check(found.id == self.commune.id, "by-code finds another commune")
        lineage, _ = call("get_commune_lineage", self.commune.id, client=self.admin, expect=200)
        print(f"      {self.commune.code} {self.commune.name}: {len(lineage.predecessors)} predecessors")

    def campaign(self) -> None:
        today = self.today()
        created, res = call("create_campaign", client=self.admin, idempotency_key=str(uuid.uuid4()), expect=201, body=body("create_campaign", {
            "title": f"Thi đua giảm nghèo bền vững ({self.tag})", "kind": "thuong_xuyen",
            "launching_authority": "Chủ tịch UBND tỉnh", "participation": "all_communes",
            "start_date": str(today - dt.timedelta(days=30)), "end_date": str(today + dt.timedelta(days=60)),
        }))
        check(str(created.status) == "draft", f"a new campaign is {created.status}")
        self.campaign_id = created.id
        self.indicator, _ = call("add_indicator", created.id, client=self.admin, expect=201, body=body("add_indicator", {
            "name": "Số hộ thoát nghèo", "unit_of_measure": "hộ", "kind": "quantity", "direction": "higher_is_better", "province_target": "300",
        }))
        current, res = call("get_campaign", created.id, client=self.admin, expect=200)
        launched, _ = call("launch_campaign", created.id, client=self.admin, if_match=etag(res), body=body("launch_campaign", {}), expect=200)
        check(str(launched.status) == "launched", f"launched campaign is {launched.status}")

    def registration(self) -> None:
        self.officer_name = f"officer.{self.tag}"
        call("create_user", client=self.admin, expect=201, body=body("create_user", {
            "username": self.officer_name, "full_name": "Cán bộ thi đua xã", "roles": ["unit_officer"],
            "unit_id": str(self.commune.id), "password": PASSWORD,
        }))
        self.officer = sign_in(self.officer_name, PASSWORD)
        registration, _ = call("create_registration", self.campaign_id, client=self.officer, expect=201, body=body("create_registration", {
            "unit_id": str(self.commune.id), "targets": [{"indicator_id": str(self.indicator.id), "target": "100"}],
        }))
        submitted, _ = call("submit_registration", registration.id, client=self.officer, expect=200)
        check(str(submitted.status) == "submitted", f"registration is {submitted.status}")
        accepted, _ = call("accept_registration", registration.id, client=self.admin, expect=200)
        check(str(accepted.status) == "accepted", f"registration is {accepted.status}")

    def achievement(self) -> None:
        report, _ = call("create_achievement", self.campaign_id, client=self.officer, expect=201, body=body("create_achievement", {
            "unit_id": str(self.commune.id), "indicator_id": str(self.indicator.id), "value": "120",
            "as_of": str(self.today() - dt.timedelta(days=1)), "narrative": "Vận động 120 hộ vay vốn phát triển sản xuất",
        }))
        evidence, _ = call("upload_evidence", report.id, client=self.officer, filename="bien-ban-kiem-tra.pdf",
                           body=File(payload=io.BytesIO(PDF), file_name="bien-ban-kiem-tra.pdf", mime_type="application/pdf"), expect=201)
        _, downloaded = call("download_evidence", evidence.id, client=for_downloads(self.officer), expect=200)
        check(downloaded.content == PDF, "the evidence downloaded is not the file uploaded")
        verified, _ = call("verify_achievement", report.id, client=self.admin, expect=200)
        check(str(verified.status) == "verified", f"achievement is {verified.status}")
        self.achievement_id = report.id
        progress, _ = call("get_campaign_progress", self.campaign_id, client=self.admin, expect=200)
        mine = [u for u in progress.units if u.unit_id == self.commune.id]
        check(len(mine) == 1 and mine[0].overall_score == "100", f"progress of the commune: {wire(mine)}")

    def person_and_rules(self) -> None:
        self.person, _ = call("create_person", client=self.officer, expect=201, body=body("create_person", {
            "full_name": "Hoàng Thị Mai", "position": "Trưởng thôn", "unit_id": str(self.commune.id),
        }))
        types, _ = call("list_award_types", client=self.admin, expect=200)
        self.award_type = next((t for t in types if t.code == "BANG_KHEN_TINH_CA_NHAN"), None)
        check(self.award_type is not None, "no BANG_KHEN_TINH_CA_NHAN in the catalogue")
        latest = self.award_type.versions[-1]
        if latest.effective_from == self.today() and latest.council_vote_required:
            print("      (the rules already changed today: another cycle ran on this server)")
            return
        updated, _ = call("add_award_type_version", self.award_type.id, client=self.admin, expect=201, body=body("add_award_type_version", {
            "effective_from": str(self.today()),
            "rules": {
                "granting_authority": "Chủ tịch UBND tỉnh", "legal_basis": "Luật Thi đua, khen thưởng số 06/2022/QH15",
                "council_vote_required": True, "approval_threshold_percent": "60", "quorum_percent": "50", "posting_days": 10,
            },
        }))
        check(updated.id == self.award_type.id and updated.versions[-1].council_vote_required is True, "the new version is not the award type's latest")

    def nomination(self) -> None:
        self.year = self.today().year
        nomination, _ = call("create_nomination", client=self.officer, expect=201, body=body("create_nomination", {
            "award_type_id": str(self.award_type.id), "person_id": str(self.person.id), "unit_id": str(self.commune.id),
            "year": self.year, "campaign_id": str(self.campaign_id), "achievement_ids": [str(self.achievement_id)],
        }))
        self.nomination_id = nomination.id
        for kind in ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"]:
            document, _ = call("upload_nomination_document", nomination.id, client=self.officer, kind=enum_param("upload_nomination_document", "kind", kind),
                               filename=f"{kind}.pdf", body=File(payload=io.BytesIO(PDF), file_name=f"{kind}.pdf", mime_type="application/pdf"), expect=201)
        _, downloaded = call("download_nomination_document", document.id, client=for_downloads(self.officer), expect=200)
        check(downloaded.content == PDF, "the dossier document downloaded is not the file uploaded")
        act = lambda who, action, reason=None: call(  # noqa: E731
            "act_on_nomination", nomination.id, enum_param("act_on_nomination", "action", action), client=who,
            body=body("act_on_nomination", {"reason": reason} if reason else {}), expect=200)[0]
        submitted = act(self.officer, "submit")
        check(str(submitted.status) == "submitted", f"nomination is {submitted.status}")
        check(len(submitted.documents) == 3, f"the dossier has {len(submitted.documents)} documents")
        appraised = act(self.admin, "appraise")
        check(str(appraised.status) == "appraised", f"nomination is {appraised.status}")

    def council(self) -> None:
        members = []
        for i in range(3):
            name = f"council.{self.tag}.{i}"
            user, _ = call("create_user", client=self.admin, expect=201, body=body("create_user", {
                "username": name, "full_name": f"Thành viên Hội đồng {i + 1}", "roles": ["council_member"], "password": PASSWORD,
            }))
            members.append((user, sign_in(name, PASSWORD)))
        # The commune's standing council, in its term from today, the first member chairing.
        council, _ = call("create_council", client=self.admin, expect=201, body=body("create_council", {
            "unit_id": str(self.commune.id), "name": f"Hội đồng Thi đua – Khen thưởng ({self.tag})", "established_by": f"{self.tag}/QĐ-UBND",
            "term_start": str(self.today()), "term_end": str(self.today() + dt.timedelta(days=365)),
            "members": [{"user_id": str(u.id), "role": "chair" if i == 0 else "member"} for i, (u, _) in enumerate(members)],
        }))
        published, _ = call("get_council", council.id, client=members[1][1], expect=200)
        check(len(published.members) == 3, f"the council has {len(published.members)} members")
        session, _ = call("create_council_session", client=self.admin, expect=201, body=body("create_council_session", {
            "title": f"Phiên họp Hội đồng Thi đua – Khen thưởng ({self.tag})", "council_id": str(council.id),
            "voting_deadline": (server_now() + dt.timedelta(days=1)).isoformat(), "nomination_ids": [str(self.nomination_id)],
        }))
        for _, member in members:
            call("cast_ballot", session.id, client=member, expect=204, body=body("cast_ballot", {"nomination_id": str(self.nomination_id), "approve": True}))
        seen, _ = call("get_council_session", session.id, client=members[0][1], expect=200)
        check(all(item.votes_cast == 3 for item in seen.items), f"turnout while open: {wire(seen.items)}")
        closed, _ = call("close_council_session", session.id, client=self.admin, expect=200)
        check(str(closed.status) == "closed", f"session is {closed.status}")
        nomination, _ = call("get_nomination", self.nomination_id, client=self.admin, expect=200)
        check(str(nomination.status) == "approved", f"after the vote the nomination is {nomination.status}")

    def posting(self) -> None:
        self.posting_until = self.today() + dt.timedelta(days=10)
        call("post_nomination", self.nomination_id, client=self.admin, expect=204, body=body("post_nomination", {"until": str(self.posting_until)}))
        postings, _ = call("list_public_postings", client=anonymous, expect=200)
        mine = [p for p in postings if p.nomination_id == self.nomination_id]
        check(len(mine) == 1 and mine[0].nominee == "Hoàng Thị Mai", f"not on public posting: {wire(postings)}")
        call("comment_on_posting", self.nomination_id, client=anonymous, expect=201, body=body("comment_on_posting", {
            "author_name": "Người dân thôn Nà Làng", "content": "Chị Mai rất nhiệt tình với bà con. Đồng ý.",
        }))
        comments, _ = call("list_posting_comments", self.nomination_id, client=self.admin, expect=200)
        check(len(comments) == 1, f"{len(comments)} comments")
        reviewed, _ = call("review_posting_comment", comments[0].id, client=self.admin, expect=200, body=body("review_posting_comment", {"note": "Ý kiến ủng hộ"}))
        check(reviewed.reviewed_at is not None and not isinstance(reviewed.reviewed_at, Unset), "the comment is not marked reviewed")
        # An approver, made now: after the clock moves, everyone signs in again.
        self.approver_name = f"approver.{self.tag}"
        call("create_user", client=self.admin, expect=201, body=body("create_user", {
            "username": self.approver_name, "full_name": "Lãnh đạo UBND tỉnh", "roles": ["approver"], "password": PASSWORD,
        }))

    def time_passes(self) -> None:
        clock = os.environ.get("THIDUA_CLOCK_FILE")
        check(bool(clock), "THIDUA_CLOCK_FILE is not set: the server's clock cannot move, so no posting period can end")
        days = (self.posting_until - self.today()).days + 1
        with open(clock) as f:
            offset = int(f.read().strip().removeprefix("+").removesuffix("d") or 0)
        with open(clock, "w") as f:
            f.write(f"+{offset + days}d\n")
        time.sleep(2.5)  # libfaketime re-reads the file every second
        before = self.server_today
        self.server_today = vietnam_date(server_now())
        check(self.server_today - before in (dt.timedelta(days=days), dt.timedelta(days=days + 1)), f"the server's clock did not move {days} days: it is {self.server_today}")
        postings, _ = call("list_public_postings", client=anonymous, expect=200)
        check(all(p.nomination_id != self.nomination_id for p in postings), "still on posting after its period")

    def decision(self) -> None:
        self.admin = sign_in(os.environ["THIDUA_USERNAME"], os.environ["THIDUA_PASSWORD"])
        approver = sign_in(self.approver_name, PASSWORD)
        decided_on = self.today()
        check(decided_on > self.posting_until, "the decision would not be after the posting")
        decision, _ = call("issue_decision", client=approver, expect=201, body=body("issue_decision", {
            "number": f"{self.tag}/QĐ-UBND", "decided_on": str(decided_on), "signer": "Chủ tịch UBND tỉnh",
            "authority": "UBND tỉnh", "nomination_ids": [str(self.nomination_id)],
        }))
        check(len(decision.award_ids) == 1, f"the decision granted {len(decision.award_ids)} awards")
        self.award_id = decision.award_ids[0]
        again, _ = call("get_decision", decision.id, client=self.admin, expect=200)
        check(again.number == decision.number, "the decision read back differs")
        nomination, _ = call("get_nomination", self.nomination_id, client=self.admin, expect=200)
        check(str(nomination.status) == "decided", f"after the decision the nomination is {nomination.status}")

    def history(self) -> None:
        award, _ = call("get_award", self.award_id, client=self.admin, expect=200)
        check(award.person_id == self.person.id, "the award is not the nominee's")
        by_person, _ = call("list_awards", client=self.admin, person_id=self.person.id, expect=200)
        check([a.id for a in by_person.items] == [self.award_id], f"history by person: {wire(by_person.items)}")
        by_unit, _ = call("list_awards", client=self.admin, unit_id=self.commune.id, year=self.year, expect=200)
        check(self.award_id in [a.id for a in by_unit.items], "the award is not in the commune's history")

    def reports(self) -> None:
        """Every report in JSON, CSV and XLSX, each through the operation the document offers for
        that format (read from the document: an operation per format, or one with a `format`
        parameter). Every failure is listed."""
        year = getattr(self, "year", self.today().year)
        campaign_id = getattr(self, "campaign_id", None)
        if campaign_id is None:  # the cycle stopped before its campaign: any campaign will do
            campaigns, _ = call("list_campaigns", client=self.admin, expect=200)
            check(len(campaigns.items) > 0, "no campaign to report on")
            campaign_id = campaigns.items[0].id
        formats_of_type = {"application/json": "json", "text/csv": "csv", XLSX_TYPE: "xlsx"}
        # report (its path without a format suffix) → format → how to get it: an operation with
        # that one media type is preferred (what a generated client can read); otherwise the one
        # with a `format` parameter.
        plans: dict[str, dict[str, tuple]] = {}
        for path, item in DOCUMENT["paths"].items():
            operation = item.get("get")
            if not path.startswith("/api/v1/reports/") or not operation:
                continue
            report = path.removesuffix(".csv").removesuffix(".xlsx").removesuffix(".json")
            params = {p["name"]: p for p in operation.get("parameters", [])}
            args = (campaign_id,) if "id" in params else ()
            kwargs = {"year": year} if "year" in params else {}
            oid = operation["operationId"]
            media = [formats_of_type[m] for m in operation["responses"]["200"].get("content", {}) if m in formats_of_type]
            plan = plans.setdefault(report, {})
            if len(media) == 1:
                plan[media[0]] = (oid, args, kwargs)
            elif "format" in params:
                for fmt in params["format"]["schema"]["enum"]:
                    plan.setdefault(fmt, (oid, args, {**kwargs, "format_": enum_param(oid, "format_", fmt)}))
        wanted = {report: {"json", "csv", "xlsx"} for report in plans}
        calls = [(report, oid, fmt, args, kwargs) for report, plan in sorted(plans.items()) for fmt, (oid, args, kwargs) in sorted(plan.items())]
        failures = []
        for report, operation_id, fmt, args, kwargs in calls:
            name = f"{operation_id} as {fmt.upper()}"
            try:
                started = time.monotonic()
                # An XLSX answer is a file: read as bytes, like the other downloads (see for_downloads).
                client = for_downloads(self.admin) if fmt == "xlsx" else self.admin
                parsed, res = call(operation_id, *args, client=client, expect=200, **kwargs)
                kind = res.headers.get("content-type", "")
                if fmt == "json":
                    check(kind.startswith("application/json") and hasattr(parsed, "to_dict"), f"{kind}, parsed {type(parsed).__name__}")
                elif fmt == "csv":
                    text = res.content.decode("utf-8-sig")
                    check(kind.startswith("text/csv") and "," in text.splitlines()[0], f"{kind}: {text[:80]!r}")
                else:
                    check(kind.startswith(XLSX_TYPE) and res.content.startswith(XLSX_MAGIC), f"{kind}: not an XLSX file ({res.content[:8]!r})")
                wanted[report].discard(fmt)
                print(f"  ok  {name}: {kind.split(';')[0]}, {len(res.content)} bytes ({time.monotonic() - started:.1f} s)")
            except Exception as e:  # noqa: BLE001 — a generated client that crashes is the finding
                message = "".join(c if c.isprintable() else " " for c in str(e).splitlines()[0])[:300] if str(e) else ""
                failures.append(f"{name}: {type(e).__name__}: {message}")
                print(f"  FAIL {name}: {type(e).__name__}: {message}")
        check(len(wanted) >= 3, f"the document has {len(wanted)} reports, expected awards, nominations and campaign progress")
        missing = [f"{report} as {fmt}" for report, formats in sorted(wanted.items()) for fmt in sorted(formats)]
        check(not failures and not missing, f"{len(missing)} of {3 * len(wanted)} reports not had: {', '.join(missing)}")


def report_exception(e: Exception) -> str:
    """Prints a failure: ours as a line, the generated client's own exceptions with their trace."""
    if isinstance(e, CycleFailed):
        print(f"  FAIL {e}")
        return str(e)
    print("  FAIL the generated client raised:")  # e.g. a model that cannot parse what the server sent
    traceback.print_exception(e, limit=-4, file=sys.stdout)
    return f"{type(e).__name__}: {str(e)[:200]}"


def main() -> int:
    try:
        Cycle().run()
    except CycleFailed as e:
        print(f"cycle: failed — {e}")
        return 1
    except Exception as e:  # noqa: BLE001
        report_exception(e)
        print("cycle: failed")
        return 1
    print("cycle: complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
