"""A local HTTPS server that speaks Salesforce's REST / OAuth / SOAP-login / Bulk 2.0 wire formats.

Use it to drive the real simple-salesforce client (and the dashboard's pull) without a network::

    org = FakeOrg({"Opportunity": df})
    with fake_salesforce(org) as served:
        sf = Salesforce(session_id=served.access_token, instance_url=served.instance_url,
                        session=served.session)
        sf.query_all("SELECT Id, Amount FROM Opportunity")

`served.session` trusts the throw-away CA (``verify = ca_path``, ``trust_env = False``) and carries a
transport adapter that sends every ``https://*.salesforce.com`` / ``*.force.com`` request to the local
server, so the login flows (SOAP password login, OAuth password / JWT bearer / client credentials) run the
library's real code. Only what a pull needs is implemented; anything else answers like Salesforce does
for an unknown resource (404 NOT_FOUND) or an unsupported query (400 MALFORMED_QUERY).
"""
from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import itertools
import json
import re
import secrets
import shutil
import ssl
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit, urlunsplit

import numpy as np
import pandas as pd
import requests
import trustme
from requests.adapters import HTTPAdapter

__all__ = ["FakeOrg", "Faults", "Served", "fake_salesforce", "USERNAME", "PASSWORD", "SECURITY_TOKEN",
           "CONSUMER_KEY", "CONSUMER_SECRET", "ORG_ID", "USER_ID"]

# Default credentials of a FakeOrg (override per org with keyword arguments).
USERNAME = "kpi.integration@example.com"
PASSWORD = "correct horse"
SECURITY_TOKEN = "SECTOKEN123"
CONSUMER_KEY = "3MVG9fake.consumer.key"
CONSUMER_SECRET = "FAKECONSUMERSECRET"
ORG_ID = "00D5g000000FAKEEAA"
USER_ID = "0055g000000FAKEAAA"

DAILY_API_MAX = 15000
QUERY_PAGE_SIZE = 2000

# --------------------------------------------------------------------------------------------- values

_ID_RE = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
# Columns whose numeric-looking text becomes a float even without a decimal point.
_NUMERIC_NAME_RE = re.compile(r"(Amount|Quantity|Revenue|Probability|Price|Discount|Percent|Employees|"
                              r"Duration|Rate|Score|Value|Cost)", re.I)
_TEXT_NAME_RE = re.compile(r"(Id$|Phone|Fax|Zip|Postal|Code$|Number$|Name$|Subject)", re.I)
_CURRENCY_NAME_RE = re.compile(r"(Amount|Revenue|Price|Cost)", re.I)
_ID_PREFIX_OBJECTS = {"001": "Account", "003": "Contact", "005": "User", "006": "Opportunity", "00Q": "Lead",
                      "00G": "Group", "00E": "UserRole", "00T": "Task", "00U": "Event", "00J": "OpportunityPartner",
                      "026": "Period",
                      "701": "Campaign", "00v": "CampaignMember", "800": "Contract", "01s": "Pricebook2",
                      "01t": "Product2"}


def to_wire_datetime(value: Any) -> str:
    """Any ISO-8601 text / datetime / Timestamp -> Salesforce REST datetime 'YYYY-MM-DDTHH:MM:SS.000+0000' (UTC)."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit() and text[-3] != ":":
            text = text[:-2] + ":" + text[-2:]  # +0000 -> +00:00 for old fromisoformat behaviour
        moment = datetime.fromisoformat(text)
    elif isinstance(value, pd.Timestamp):
        moment = value.to_pydatetime()
    else:
        moment = value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _parse_datetime(text: str) -> datetime:
    return datetime.fromisoformat(to_wire_datetime(text).replace("+0000", "+00:00"))


def _py(value: Any) -> Any:
    """A DataFrame cell -> the plain Python value Salesforce's JSON would carry."""
    if value is None or isinstance(value, (list, dict)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp) or isinstance(value, datetime):
        return to_wire_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if value == "":
        return None  # Salesforce never sends empty text: it is null
    return value


def _guess_type(name: str, values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if name == "Id":
        return "id"
    if present:
        if all(isinstance(v, bool) for v in present):
            return "boolean"
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
            return "currency" if _CURRENCY_NAME_RE.search(name) else "double"
        if all(isinstance(v, str) for v in present):
            if all(_DATETIME_RE.match(v) and "T" in v for v in present):
                return "datetime"
            if all(_DATE_RE.match(v) for v in present):
                return "date"
            if (name.endswith("Id") or name.endswith("__c")) and all(_ID_RE.match(v) for v in present):
                return "reference"
        return "string"
    # An all-null column: guess from the name.
    if name in ("SystemModstamp", "CreatedDate", "LastModifiedDate") or name.endswith("DateTime"):
        return "datetime"
    if name.endswith("Date") or name.endswith("Date__c"):
        return "date"
    if name.startswith("Is") and name[2:3].isupper():
        return "boolean"
    if name.endswith("Id"):
        return "reference"
    if _NUMERIC_NAME_RE.search(name):
        return "currency" if _CURRENCY_NAME_RE.search(name) else "double"
    return "string"


def _convert_csv_column(name: str, column: pd.Series) -> list[Any]:
    """Data Loader text -> Salesforce-typed Python values ('' -> None)."""
    texts = [str(v) for v in column.tolist()]
    present = [t for t in texts if t != ""]
    if not present:
        return [None] * len(texts)
    if all(t.lower() in ("true", "false") for t in present):
        return [None if t == "" else t.lower() == "true" for t in texts]
    if all(_DATETIME_RE.match(t) and "T" in t for t in present):
        return [None if t == "" else to_wire_datetime(t) for t in texts]
    if (not _TEXT_NAME_RE.search(name) and all(_NUMBER_RE.match(t) for t in present)
            and (_NUMERIC_NAME_RE.search(name) or any("." in t or "e" in t.lower() for t in present))):
        return [None if t == "" else float(t) for t in texts]
    return [None if t == "" else t for t in texts]


# --------------------------------------------------------------------------------------------- org

class FakeOrg:
    """The data served: object API name -> DataFrame with API-name columns and Salesforce-typed values.

    Every object gets ``IsDeleted`` (False) when the frame lacks it, and non-history objects get
    ``SystemModstamp`` (copied from LastModifiedDate, else CreatedDate) when they lack it, as every real
    object has them (``add_system_fields=False`` turns this off).
    """

    def __init__(self, objects: dict[str, pd.DataFrame], *, username: str = USERNAME, password: str = PASSWORD,
                 security_token: str = SECURITY_TOKEN, consumer_key: str = CONSUMER_KEY,
                 consumer_secret: str = CONSUMER_SECRET, add_system_fields: bool = True):
        self.username, self.password, self.security_token = username, password, security_token
        self.consumer_key, self.consumer_secret = consumer_key, consumer_secret
        self.objects: dict[str, pd.DataFrame] = {}
        for name, frame in objects.items():
            frame = frame.copy()
            if add_system_fields:
                if "IsDeleted" not in frame.columns:
                    frame["IsDeleted"] = False
                if "SystemModstamp" not in frame.columns and not name.endswith("History"):
                    source = next((c for c in ("LastModifiedDate", "CreatedDate") if c in frame.columns), None)
                    if source is not None:
                        frame["SystemModstamp"] = frame[source]
            self.objects[name] = frame
        self._lock = threading.Lock()
        self._records: dict[str, list[dict[str, Any]]] = {}
        self._types: dict[str, dict[str, str]] = {}

    @classmethod
    def from_csv_folder(cls, folder: Path | str, **kwargs: Any) -> FakeOrg:
        """Read Data Loader exports named ``<Object>.csv`` (other names, e.g. goals.csv, are skipped)."""
        objects = {}
        for path in sorted(Path(folder).glob("*.csv")):
            if not re.match(r"^[A-Z][A-Za-z0-9_]*$", path.stem):
                continue
            raw = pd.read_csv(path, dtype=str, keep_default_na=False)
            objects[path.stem] = pd.DataFrame(
                {col: pd.Series(_convert_csv_column(col, raw[col]), dtype=object) for col in raw.columns},
                index=raw.index)
        return cls(objects, **kwargs)

    # -- lookups (object and field names are case-insensitive in SOQL and URLs)
    def object_name(self, name: str) -> str | None:
        return next((o for o in self.objects if o.lower() == name.lower()), None)

    def records(self, obj: str) -> list[dict[str, Any]]:
        with self._lock:
            if obj not in self._records:
                frame = self.objects[obj]
                cols = list(frame.columns)
                self._records[obj] = [{c: _py(v) for c, v in zip(cols, row)}
                                      for row in frame.itertuples(index=False, name=None)]
            return self._records[obj]

    def field_types(self, obj: str) -> dict[str, str]:
        if obj not in self._types:
            rows = self.records(obj)
            self._types[obj] = {c: _guess_type(c, [r[c] for r in rows]) for c in self.objects[obj].columns}
        return self._types[obj]


@dataclass
class Faults:
    """Failure modes. "Data request" = any request under /services/data (not logins), counted from 1."""
    expire_session_after: int | None = None  # from the Nth data request every token issued so far is 401
    rate_limited: bool = False  # every data request -> 403 REQUEST_LIMIT_EXCEEDED
    drop_connection_at: int | None = None  # the Nth data request: socket closed, no response
    server_error_at: int | None = None  # the Nth data request: 500 UNKNOWN_EXCEPTION
    removed_fields: dict[str, set[str]] = field(default_factory=dict)  # object -> fields gone from the org
    api_used: int = 0  # DailyApiRequests already used when the server starts (at Max -> 403 as well)


@dataclass
class Served:
    instance_url: str
    session: requests.Session
    requests: list[tuple[str, str]]  # (method, path without query string), every request incl. logins
    ca_path: str
    access_token: str  # a valid token issued at start, for Salesforce(session_id=...)
    org: FakeOrg
    faults: Faults
    queries: list[str] = field(default_factory=list)  # SOQL received (REST and Bulk)
    _state: Any = None

    def count(self, path_part: str, method: str | None = None) -> int:
        """How many requests had ``path_part`` in their path (and ``method``, if given)."""
        return sum(1 for m, p in self.requests if path_part in p and (method is None or m == method))

    @property
    def api_used(self) -> int:
        return self._state.api_used

    def issue_token(self) -> str:
        return self._state.issue_token()

    def expire_all_tokens(self) -> None:
        self._state.expire_all()


# --------------------------------------------------------------------------------------------- SOQL

class SoqlError(Exception):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass
class _Query:
    soql: str
    obj: str
    fields: list[str]  # canonical API names, SELECT order; empty for COUNT()
    count_only: bool
    conditions: list[tuple[str, str, Any]]
    order: list[tuple[str, bool]]  # (field, descending)
    limit: int | None


_SELECT_RE = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<obj>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?(?:\s+ORDER\s+BY\s+(?P<order>.+?))?(?:\s+LIMIT\s+(?P<limit>\d+))?\s*$",
    re.I | re.S)
_COND_RE = re.compile(r"^\s*(?P<field>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>>=|<=|!=|<>|=|>|<)\s*(?P<value>.+?)\s*$", re.S)


def _not_found_field(soql: str, name: str, obj: str) -> SoqlError:
    col = soql.find(name) + 1
    return SoqlError("INVALID_FIELD",
                     f"\n{soql}\n{' ' * max(col - 1, 0)}^\nERROR at Row:1:Column:{col}\n"
                     f"No such column '{name}' on entity '{obj}'. If you are attempting to use a custom field, be "
                     "sure to append the '__c' after the custom field name. Please reference your WSDL or the "
                     "describe call for the appropriate names.")


def _malformed(soql: str, detail: str) -> SoqlError:
    return SoqlError("MALFORMED_QUERY", f"\n{soql}\n^\nERROR at Row:1:Column:1\n{detail}")


def _literal(text: str, soql: str) -> tuple[str, Any]:
    """A SOQL literal -> (kind, value); kind in string/datetime/date/number/boolean/null."""
    t = text.strip()
    if len(t) >= 2 and t[0] == "'" and t[-1] == "'":
        return "string", re.sub(r"\\(.)", r"\1", t[1:-1])
    if t.lower() == "null":
        return "null", None
    if t.lower() in ("true", "false"):
        return "boolean", t.lower() == "true"
    if _DATE_RE.match(t):
        return "date", t
    if _DATETIME_RE.match(t) and "T" in t and (t.endswith("Z") or re.search(r"[+-]\d{2}:?\d{2}$", t)):
        return "datetime", _parse_datetime(t)
    if _NUMBER_RE.match(t):
        return "number", float(t)
    raise _malformed(soql, f"unexpected token: '{t}' (date literals such as LAST_N_DAYS are not supported by "
                           "the fake server)")


def parse_soql(soql: str, org: FakeOrg, removed: dict[str, set[str]]) -> _Query:
    m = _SELECT_RE.match(soql)
    if not m:
        raise _malformed(soql, "unexpected token: the fake server understands "
                               "SELECT f1, f2 FROM Obj [WHERE a op b AND ...] [ORDER BY f [DESC]] [LIMIT n]")
    obj = org.object_name(m["obj"])
    if obj is None:
        raise SoqlError("INVALID_TYPE",
                        f"\n{soql}\n^\nERROR at Row:1:Column:1\nsObject type '{m['obj']}' is not supported. If you "
                        "are attempting to use a custom object, be sure to append the '__c' after the entity name. "
                        "Please reference your WSDL or the describe call for the appropriate names.")
    gone = {f.lower() for f in removed.get(obj, set())}
    by_lower = {c.lower(): c for c in org.objects[obj].columns if c.lower() not in gone}

    def canonical(name: str) -> str:
        if name.lower() not in by_lower:
            raise _not_found_field(soql, name, obj)
        return by_lower[name.lower()]

    raw_fields = [f.strip() for f in m["fields"].split(",")]
    if any(not f for f in raw_fields):
        raise _malformed(soql, "unexpected token: ','")
    count_only = len(raw_fields) == 1 and re.fullmatch(r"COUNT\(\s*\)", raw_fields[0], re.I) is not None
    fields: list[str] = []
    if not count_only:
        for f in raw_fields:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", f):
                raise _malformed(soql, f"unexpected token: '{f}' (relationship fields, functions and subqueries "
                                       "are not supported by the fake server)")
            name = canonical(f)
            if name in fields:
                raise SoqlError("DUPLICATE_FIELD", f"\n{soql}\nduplicate field selected: {name}")
            fields.append(name)
    conditions = []
    if m["where"]:
        where = m["where"]
        if re.search(r"\bOR\b|\bNOT\b|\(|\bIN\b|\bLIKE\b", re.sub(r"'(?:\\.|[^'])*'", "''", where), re.I):
            raise _malformed(soql, "unexpected token: the fake server supports only 'a op b AND c op d' filters")
        for part in re.split(r"\s+AND\s+", where, flags=re.I):
            c = _COND_RE.match(part)
            if not c:
                raise _malformed(soql, f"unexpected token: '{part.strip()}'")
            name = canonical(c["field"])
            kind, value = _literal(c["value"], soql)
            ftype = org.field_types(obj)[name]
            want = {"datetime": "datetime", "date": "date"}.get(ftype)
            if want and kind not in (want, "null"):
                raise SoqlError("INVALID_QUERY_FILTER_OPERATOR",
                                f"\n{soql}\n^\nERROR at Row:1:Column:1\nvalue of filter criterion for field "
                                f"'{name}' must be of type {'dateTime' if want == 'datetime' else 'date'} and "
                                "should not be enclosed in quotes")
            conditions.append((name, "!=" if c["op"] == "<>" else c["op"], value))
    order = []
    if m["order"]:
        for part in m["order"].split(","):
            words = part.split()
            if not words:
                raise _malformed(soql, "unexpected token: ','")
            order.append((canonical(words[0]), len(words) > 1 and words[1].upper() == "DESC"))
    return _Query(soql, obj, fields, count_only, conditions, order, int(m["limit"]) if m["limit"] else None)


def _compare(left: Any, op: str, right: Any) -> bool:
    if right is None:
        return (left is None) if op == "=" else (left is not None) if op == "!=" else False
    if left is None:
        return op == "!="
    if isinstance(right, datetime):
        left = _parse_datetime(left)
    elif isinstance(right, float) and not isinstance(left, bool):
        left = float(left)
    try:
        return {"=": left == right, "!=": left != right, ">": left > right, ">=": left >= right,
                "<": left < right, "<=": left <= right}[op]
    except TypeError:
        return False


def run_query(q: _Query, org: FakeOrg, include_deleted: bool) -> list[dict[str, Any]]:
    rows = [r for r in org.records(q.obj)
            if (include_deleted or not r.get("IsDeleted")) and all(_compare(r.get(f), op, v) for f, op, v in q.conditions)]
    for name, desc in reversed(q.order):  # stable multi-key sort; nulls first ascending like Salesforce
        rows.sort(key=lambda r: (r.get(name) is not None, r.get(name) if r.get(name) is not None else 0),
                  reverse=desc)
    if q.limit is not None:
        rows = rows[:q.limit]
    return rows


# --------------------------------------------------------------------------------------------- server state

def _err(code: str, message: str) -> list[dict[str, str]]:
    return [{"message": message, "errorCode": code}]


class _State:
    def __init__(self, org: FakeOrg, faults: Faults, page_size: int):
        self.org, self.faults, self.page_size = org, faults, page_size
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.queries: list[str] = []
        self.tokens: dict[str, int] = {}  # token -> generation issued in
        self.generation = 0
        self.valid_from_generation = 0
        self.expiry_fired = False
        self.data_requests = 0
        self.api_used = faults.api_used
        self.cursors: dict[str, tuple[str, list[dict[str, Any]], list[str]]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.ids = itertools.count(1)
        self.instance_url = ""

    def issue_token(self) -> str:
        with self.lock:
            token = f"{ORG_ID[:15]}!AQ{secrets.token_urlsafe(48)}"
            self.tokens[token] = self.generation
            return token

    def expire_all(self) -> None:
        with self.lock:
            self.generation += 1
            self.valid_from_generation = self.generation

    def token_valid(self, auth_header: str | None) -> bool:
        if not auth_header or not auth_header.startswith(("Bearer ", "OAuth ")):
            return False
        gen = self.tokens.get(auth_header.split(" ", 1)[1].strip())
        return gen is not None and gen >= self.valid_from_generation

    def new_id(self, prefix: str) -> str:
        return f"{prefix}5g{next(self.ids):010d}AAA"


class _Dropped(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SFDC"
    sys_version = ""
    state: _State  # set on the per-server subclass

    def setup(self) -> None:
        self.request = self.server.ssl_context.wrap_socket(self.request, server_side=True)  # type: ignore[attr-defined]
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the stderr log
        pass

    # -- plumbing
    def do_GET(self) -> None:  # noqa: N802
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def do_PATCH(self) -> None:  # noqa: N802
        self._dispatch()

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch()

    def _send(self, status: int, body: Any = b"", content_type: str = "application/json;charset=UTF-8",
              headers: dict[str, str] | None = None) -> None:
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        if body or status != 204:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        self.params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        path = parts.path
        st = self.state
        with st.lock:
            st.requests.append((self.command, path))
        try:
            if path.rstrip("/") == "/services/oauth2/token":
                return self._oauth_token()
            m = re.fullmatch(r"/services/Soap/u/(\d+\.\d+)(/.*)?", path)
            if m:
                return self._soap_login(m[1])
            if path.rstrip("/") == "/services/data" or path.startswith("/services/data/"):
                return self._data(path)
            self._send(404, _err("NOT_FOUND", "The requested resource does not exist"))
        except _Dropped:
            self.close_connection = True

    # -- logins
    def _token_response(self) -> dict[str, Any]:
        token = self.state.issue_token()
        issued = str(int(time.time() * 1000))
        sig = base64.b64encode(hmac.new(b"fake", (self.state.instance_url + issued).encode(),
                                        hashlib.sha256).digest()).decode()
        return {"access_token": token, "instance_url": self.state.instance_url,
                "id": f"https://login.salesforce.com/id/{ORG_ID}/{USER_ID}", "token_type": "Bearer",
                "issued_at": issued, "signature": sig, "scope": "api"}

    def _oauth_token(self) -> None:
        if self.command != "POST":
            return self._send(405, {"error": "invalid_request", "error_description": "must use HTTP POST"})
        org = self.state.org
        form = {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8"), keep_blank_values=True).items()}
        grant = form.get("grant_type")
        host = self.headers.get("X-Fake-Salesforce-Host", "")
        bad = lambda err, desc: self._send(400, {"error": err, "error_description": desc})  # noqa: E731
        if grant == "password":
            if form.get("client_id") != org.consumer_key or form.get("client_secret") != org.consumer_secret:
                return bad("invalid_client_id", "client identifier invalid")
            if form.get("username") != org.username or form.get("password") not in (
                    org.password + (org.security_token or ""), org.password if not org.security_token else None):
                return bad("invalid_grant", "authentication failure")
            return self._send(200, self._token_response())
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            claims = _jwt_claims(form.get("assertion", ""))
            if claims is None:
                return bad("invalid_grant", "invalid assertion")
            if claims.get("iss") != org.consumer_key:
                return bad("invalid_client_id", "client identifier invalid")
            if claims.get("sub") != org.username:
                return bad("invalid_grant", "user hasn't approved this consumer")
            try:
                if float(claims.get("exp", 0)) < time.time():
                    return bad("invalid_grant", "expired authorization code")
            except (TypeError, ValueError):
                return bad("invalid_grant", "invalid assertion")
            return self._send(200, self._token_response())
        if grant == "client_credentials":
            if host in ("login.salesforce.com", "test.salesforce.com"):
                return bad("invalid_grant", "request not supported on this domain")
            key, secret = form.get("client_id"), form.get("client_secret")
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                try:
                    key, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
                except ValueError:
                    return bad("invalid_client", "invalid client credentials")
            if key != org.consumer_key or secret != org.consumer_secret:
                return bad("invalid_client", "invalid client credentials")
            return self._send(200, self._token_response())
        return bad("unsupported_grant_type", "grant type not supported")

    def _soap_login(self, version: str) -> None:
        org = self.state.org
        try:
            root = ET.fromstring(self.body)
        except ET.ParseError:
            return self._soap_fault("INVALID_LOGIN", "Invalid username, password, security token; or user locked out.",
                                    "soapenv:Client")
        values = {el.tag.rsplit("}", 1)[-1]: (el.text or "") for el in root.iter()}
        accepted = {org.password + (org.security_token or "")}
        if not org.security_token:
            accepted.add(org.password)
        if values.get("username") != org.username or values.get("password") not in accepted:
            return self._soap_fault("INVALID_LOGIN", "Invalid username, password, security token; or user locked out.")
        token = self.state.issue_token()
        inst = self.state.instance_url
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
            'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result>'
            f"<metadataServerUrl>{inst}/services/Soap/m/{version}/{ORG_ID}</metadataServerUrl>"
            "<passwordExpired>false</passwordExpired><sandbox>false</sandbox>"
            f"<serverUrl>{inst}/services/Soap/u/{version}/{ORG_ID}</serverUrl>"
            f"<sessionId>{token}</sessionId><userId>{USER_ID}</userId><userInfo>"
            f"<organizationId>{ORG_ID}</organizationId><organizationName>Fake Org</organizationName>"
            f"<userEmail>{org.username}</userEmail><userFullName>Integration User</userFullName>"
            f"<userId>{USER_ID}</userId><userName>{org.username}</userName></userInfo>"
            "</result></loginResponse></soapenv:Body></soapenv:Envelope>")
        self._send(200, body, "text/xml; charset=utf-8")

    def _soap_fault(self, code: str, message: str, faultcode: str | None = None) -> None:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
            'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault>'
            f"<faultcode>{faultcode or 'sf:' + code}</faultcode><faultstring>{code}: {message}</faultstring>"
            '<detail><sf:LoginFault xsi:type="sf:LoginFault">'
            f"<sf:exceptionCode>{code}</sf:exceptionCode><sf:exceptionMessage>{message}</sf:exceptionMessage>"
            "</sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>")
        self._send(500, body, "text/xml; charset=utf-8")

    # -- data API
    def _data(self, path: str) -> None:
        st, faults = self.state, self.state.faults
        with st.lock:
            st.data_requests += 1
            n = st.data_requests
            if faults.expire_session_after is not None and n >= faults.expire_session_after and not st.expiry_fired:
                st.expiry_fired = True
                st.generation += 1
                st.valid_from_generation = st.generation
        if faults.drop_connection_at == n:
            raise _Dropped()
        if faults.server_error_at == n:
            return self._send(500, _err("UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this "
                                                             "ErrorId if you contact support: 1234567890-12345 (-1)"))
        if path.rstrip("/") == "/services/data":  # versions list: no session needed
            return self._send(200, [{"label": _release_label(v), "url": f"/services/data/v{v}.0", "version": f"{v}.0"}
                                    for v in range(52, 66)])
        if not st.token_valid(self.headers.get("Authorization")):
            return self._send(401, _err("INVALID_SESSION_ID", "Session expired or invalid"),
                              headers={"WWW-Authenticate": 'Token'})
        with st.lock:
            limited = faults.rate_limited or st.api_used >= DAILY_API_MAX
            if not limited:
                st.api_used += 1
            used = st.api_used
        limit_header = {"Sforce-Limit-Info": f"api-usage={used}/{DAILY_API_MAX}"}
        if limited:
            return self._send(403, _err("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."), headers=limit_header)
        m = re.fullmatch(r"/services/data/v(\d+\.\d+)(/.*)?", path)
        if not m:
            return self._send(404, _err("NOT_FOUND", "The requested resource does not exist"), headers=limit_header)
        version, rest = m[1], (m[2] or "").rstrip("/")
        try:
            status, body, ctype, extra = self._route(version, rest)
        except SoqlError as e:
            status, body, ctype, extra = e.status, _err(e.code, e.message), None, {}
        self._send(status, body, ctype or "application/json;charset=UTF-8", {**limit_header, **extra})

    def _route(self, v: str, rest: str) -> tuple[int, Any, str | None, dict[str, str]]:
        st, org, method = self.state, self.state.org, self.command
        not_found = (404, _err("NOT_FOUND", "The requested resource does not exist"), None, {})

        def only(*methods: str) -> None:
            if method not in methods:
                raise SoqlError("METHOD_NOT_ALLOWED",
                                f"HTTP Method '{method}' not allowed. Allowed are {','.join(methods)}", 405)

        if rest == "":
            only("GET")
            return 200, {k: f"/services/data/v{v}/{k}" for k in ("sobjects", "query", "queryAll", "limits",
                                                                 "jobs")}, None, {}
        if rest == "/limits":
            only("GET")
            return 200, {"DailyApiRequests": {"Max": DAILY_API_MAX, "Remaining": DAILY_API_MAX - st.api_used},
                         "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000 - len(st.jobs)}}, None, {}
        if rest == "/sobjects":
            only("GET")
            return 200, {"encoding": "UTF-8", "maxBatchSize": 200,
                         "sobjects": [self._object_summary(v, o) for o in org.objects]}, None, {}
        m = re.fullmatch(r"/sobjects/([A-Za-z0-9_]+)(/describe)?", rest)
        if m:
            only("GET")
            obj = org.object_name(m[1])
            if obj is None:
                return 404, _err("NOT_FOUND", "The requested resource does not exist"), None, {}
            if m[2]:
                return 200, self._describe(v, obj), None, {}
            return 200, {"objectDescribe": self._object_summary(v, obj), "recentItems": []}, None, {}
        m = re.fullmatch(r"/(query|queryAll)(?:/([A-Za-z0-9]+)-(\d+))?", rest)
        if m:
            only("GET")
            if m[2]:
                return self._query_more(v, m[2], int(m[3]))
            if "q" not in self.params:
                return 400, _err("MALFORMED_QUERY", "A query string has to be specified"), None, {}
            soql = self.params["q"]
            with st.lock:
                st.queries.append(soql)
            q = parse_soql(soql, org, st.faults.removed_fields)
            rows = run_query(q, org, include_deleted=m[1] == "queryAll")
            if q.count_only:
                return 200, {"totalSize": len(rows), "done": True, "records": []}, None, {}
            size = self._batch_size()
            cursor = st.new_id("01g")
            with st.lock:
                st.cursors[cursor] = (q.obj, rows, q.fields)
            return 200, self._page(v, cursor, 0, size), None, {}
        if rest == "/jobs/query":
            only("POST")
            return self._create_job(v)
        m = re.fullmatch(r"/jobs/query/([A-Za-z0-9]+)(/results)?", rest)
        if m:
            job = st.jobs.get(m[1])
            if job is None:
                return not_found
            if m[2]:
                only("GET")
                return self._job_results(job)
            only("GET", "PATCH", "DELETE")
            if method == "DELETE":
                st.jobs.pop(m[1], None)
                return 204, b"", None, {}
            if method == "PATCH":
                job["info"]["state"] = json.loads(self.body or b"{}").get("state", job["info"]["state"])
            return 200, job["info"], None, {}
        return not_found

    def _batch_size(self) -> int:
        m = re.search(r"batchSize=(\d+)", self.headers.get("Sforce-Query-Options", ""))
        return max(200, min(2000, int(m[1]))) if m else self.state.page_size

    def _page(self, v: str, cursor: str, offset: int, size: int) -> dict[str, Any]:
        obj, rows, fields = self.state.cursors[cursor]
        chunk = rows[offset:offset + size]
        done = offset + size >= len(rows)
        page: dict[str, Any] = {"totalSize": len(rows), "done": done}
        if not done:
            page["nextRecordsUrl"] = f"/services/data/v{v}/query/{cursor}-{offset + size}"
        page["records"] = [
            {"attributes": {"type": obj, "url": f"/services/data/v{v}/sobjects/{obj}/{r.get('Id')}"},
             **{f: r.get(f) for f in fields}} for r in chunk]
        return page

    def _query_more(self, v: str, cursor: str, offset: int) -> tuple[int, Any, str | None, dict[str, str]]:
        if cursor not in self.state.cursors:
            return 400, _err("INVALID_QUERY_LOCATOR", "invalid query locator"), None, {}
        return 200, self._page(v, cursor, offset, self._batch_size()), None, {}

    def _object_summary(self, v: str, obj: str) -> dict[str, Any]:
        ids = [r.get("Id") for r in self.state.org.records(obj)[:1] if r.get("Id")]
        return {"name": obj, "label": obj, "custom": obj.endswith("__c"), "queryable": True, "retrieveable": True,
                "keyPrefix": ids[0][:3] if ids else None,
                "urls": {"sobject": f"/services/data/v{v}/sobjects/{obj}",
                         "describe": f"/services/data/v{v}/sobjects/{obj}/describe"}}

    def _describe(self, v: str, obj: str) -> dict[str, Any]:
        org = self.state.org
        gone = self.state.faults.removed_fields.get(obj, set())
        rows = org.records(obj)
        fields = []
        for name, ftype in org.field_types(obj).items():
            if name in gone:
                continue
            ref_to: list[str] = []
            if ftype == "reference":
                prefixes = sorted({r[name][:3] for r in rows if r.get(name)})
                ref_to = sorted({_ID_PREFIX_OBJECTS.get(p, p) for p in prefixes})
            fields.append({
                "name": name, "label": re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name.removesuffix("__c")),
                "type": ftype, "custom": name.endswith("__c"), "nillable": ftype not in ("id", "boolean"),
                "length": 18 if ftype in ("id", "reference") else 255 if ftype == "string" else 0,
                "referenceTo": ref_to,
                "relationshipName": (name[:-2] if name.endswith("Id") else name[:-3] + "__r")
                if ftype == "reference" else None,
                "filterable": True, "sortable": True, "updateable": ftype != "id" and name != "SystemModstamp",
                "calculated": False,
            })
        return {**self._object_summary(v, obj), "fields": fields}

    # -- Bulk API 2.0 query
    def _create_job(self, v: str) -> tuple[int, Any, str | None, dict[str, str]]:
        st = self.state
        try:
            payload = json.loads(self.body or b"{}")
        except ValueError:
            return 400, _err("JSON_PARSER_ERROR", "Cannot parse the request body"), None, {}
        operation = payload.get("operation")
        if operation not in ("query", "queryAll") or not payload.get("query"):
            return 400, _err("INVALIDJOB", "InvalidJob : operation must be query or queryAll and query is "
                                           "required"), None, {}
        with st.lock:
            st.queries.append(payload["query"])
        q = parse_soql(payload["query"], st.org, st.faults.removed_fields)
        if q.count_only:
            raise SoqlError("INVALIDJOB", "InvalidJob : COUNT() is not supported by Bulk API 2.0 query")
        rows = run_query(q, st.org, include_deleted=operation == "queryAll")
        job_id = st.new_id("750")
        now = to_wire_datetime(datetime.now(timezone.utc))
        info = {"id": job_id, "operation": operation, "object": q.obj, "createdById": USER_ID,
                "createdDate": now, "systemModstamp": now, "state": "UploadComplete",
                "concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": float(v),
                "lineEnding": payload.get("lineEnding", "LF"), "columnDelimiter": payload.get("columnDelimiter", "COMMA")}
        st.jobs[job_id] = {"info": {**info, "state": "JobComplete", "numberRecordsProcessed": len(rows),
                                    "retries": 0, "totalProcessingTime": 42},
                           "rows": rows, "fields": q.fields}
        return 200, info, None, {}

    def _job_results(self, job: dict[str, Any]) -> tuple[int, Any, str | None, dict[str, str]]:
        rows, fields, info = job["rows"], job["fields"], job["info"]
        if info["state"] != "JobComplete":
            return 400, _err("INVALIDJOB", f"InvalidJob : Job state is {info['state']}"), None, {}
        try:
            offset = int(base64.b64decode(self.params["locator"]).decode()) if self.params.get("locator") else 0
            size = int(self.params.get("maxRecords") or len(rows) or 1)
        except ValueError:
            return 400, _err("INVALIDLOCATOR", "Invalid locator"), None, {}
        chunk = rows[offset:offset + size]
        delim = {"COMMA": ",", "TAB": "\t", "PIPE": "|", "SEMICOLON": ";", "CARET": "^",
                 "BACKQUOTE": "`"}.get(info["columnDelimiter"], ",")
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delim, quoting=csv.QUOTE_ALL,
                            lineterminator="\r\n" if info["lineEnding"] == "CRLF" else "\n")
        writer.writerow(fields)
        writer.writerows([[_bulk_cell(r.get(f)) for f in fields] for r in chunk])
        nxt = offset + size
        locator = base64.b64encode(str(nxt).encode()).decode() if nxt < len(rows) else "null"
        return 200, out.getvalue(), "text/csv", {"Sforce-NumberOfRecords": str(len(chunk)), "Sforce-Locator": locator}


def _release_label(version: int) -> str:
    """59 -> "Winter '24" (three releases a year)."""
    return f"{('Winter', 'Spring', 'Summer')[(version - 59) % 3]} '{24 + (version - 59) // 3}"


def _bulk_cell(value: Any) -> str:
    """Bulk 2.0 CSV cell: null and '' both empty; booleans lower-case; datetimes '...000Z' (UTC)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and _DATETIME_RE.match(value) and value.endswith("+0000"):
        return value[:-5] + "Z"
    return str(value)


def _jwt_claims(assertion: str) -> dict[str, Any] | None:
    """Claims of a well-formed (three-part, JSON, RS256) JWT; the signature is not checked."""
    parts = assertion.split(".")
    if len(parts) != 3 or not all(parts):
        return None
    try:
        decode = lambda s: json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))  # noqa: E731
        header, claims = decode(parts[0]), decode(parts[1])
    except ValueError:
        return None
    if not isinstance(header, dict) or header.get("alg") != "RS256" or not isinstance(claims, dict):
        return None
    return claims


# --------------------------------------------------------------------------------------------- transport

_SALESFORCE_HOST = re.compile(r"(^|\.)(salesforce\.com|force\.com|salesforce-setup\.com)$", re.I)


class _LocalSalesforceAdapter(HTTPAdapter):
    """Sends every https request for a Salesforce host (login., test., <x>.my.salesforce.com, ...) to the
    local server; the original host travels in ``X-Fake-Salesforce-Host``. Other hosts pass through."""

    def __init__(self, netloc: str):
        super().__init__()
        self.netloc = netloc

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        parts = urlsplit(request.url)
        if parts.scheme == "https" and parts.hostname and _SALESFORCE_HOST.search(parts.hostname):
            request.url = urlunsplit(("https", self.netloc, parts.path, parts.query, parts.fragment))
            request.headers["X-Fake-Salesforce-Host"] = parts.hostname
        return super().send(request, *args, **kwargs)


@lru_cache(maxsize=1)
def _certificates() -> tuple[trustme.CA, trustme.LeafCert]:
    ca = trustme.CA()
    return ca, ca.issue_cert("127.0.0.1", "localhost")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # handshake failures / client hang-ups are the client's business


@contextmanager
def fake_salesforce(org: FakeOrg, faults: Faults | None = None, *,
                    page_size: int = QUERY_PAGE_SIZE) -> Iterator[Served]:
    """Serve ``org`` on https://127.0.0.1:<free port> for the duration of the block."""
    faults = faults or Faults()
    state = _State(org, faults, page_size)
    ca, leaf = _certificates()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    leaf.configure_cert(ctx)
    handler = type("Handler", (_Handler,), {"state": state})
    server = _Server(("127.0.0.1", 0), handler)
    server.ssl_context = ctx  # type: ignore[attr-defined]
    port = server.server_address[1]
    state.instance_url = f"https://127.0.0.1:{port}"
    tmp = tempfile.mkdtemp(prefix="fake-sf-")
    ca_path = str(Path(tmp) / "ca.pem")
    ca.cert_pem.write_to_path(ca_path)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would otherwise override verify
    session.verify = ca_path
    session.mount("https://", _LocalSalesforceAdapter(f"127.0.0.1:{port}"))
    served = Served(instance_url=state.instance_url, session=session, requests=state.requests, ca_path=ca_path,
                    access_token=state.issue_token(), org=org, faults=faults, queries=state.queries, _state=state)
    try:
        yield served
    finally:
        session.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        shutil.rmtree(tmp, ignore_errors=True)
