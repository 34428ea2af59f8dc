"""A local stand-in for the parts of the Stripe API Cabas uses, for tests (never the network).

A small threaded HTTP server on 127.0.0.1 that answers the Stripe library like Stripe would:
accounts and account links (Connect), Checkout Sessions (create, retrieve, expire), PaymentIntents
(retrieve) and refunds — objects scoped to the connected account named by `Stripe-Account`,
`Idempotency-Key` honoured (the same key replays the first answer; other parameters → error).

Tests drive what the customer does at Stripe with `pay`, `decline`, `expire`, switch Stripe off
with `down` (or some endpoints with `failing`), or let a browser pay on its bare payment page
(`/pay/<session id>`), read what was asked in `requests`, and build signed webhook events with `event`
(signed by the library's own `WebhookSignature` helper).

    standin = StripeStandIn().start()
    settings.STRIPE_API_BASE = standin.url
    ...
    standin.stop()
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import threading
import time
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import stripe

WEBHOOK_SECRET = "whsec_standin_0123456789abcdef"
SECRET_KEY = "sk_test_standin_0123456789"


def parse_form(body: str) -> dict:
    """`a[b][0][c]=1&x=2` (the library's encoding) → {"a": {"b": [{"c": "1"}]}, "x": "2"}."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        node = {k: _lists(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


class StandInError(Exception):
    def __init__(self, status: int, message: str, code: str = "", kind: str = "invalid_request_error"):
        super().__init__(message)
        self.status, self.message, self.code, self.kind = status, message, code, kind


class StripeStandIn:
    def __init__(self):
        self.accounts: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.owner: dict[str, str] = {}  # object id -> connected account id
        self.requests: list[dict] = []
        self.down = False  # every request answered 500 while True
        self.failing: set[str] = set()  # requests whose path starts with one of these answered 500
        self.refund_status = "succeeded"
        self._idempotent: dict[tuple, tuple] = {}
        self._return_urls: dict[str, str] = {}
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None

    # --- server ---------------------------------------------------------------------------------

    def start(self) -> StripeStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                standin._serve(self, "GET")

            def do_POST(self):  # noqa: N802
                standin._serve(self, "POST")

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        serve = {"poll_interval": 0.02}  # stop() returns at once
        threading.Thread(target=self._server.serve_forever, kwargs=serve, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        parts = urlsplit(handler.path)
        if parts.path.startswith(("/pay/", "/onboarding/")):
            self._browser(handler, method, parts.path)
            return
        params = parse_form(body if method == "POST" else parts.query)
        account = handler.headers.get("Stripe-Account") or ""
        key = handler.headers.get("Idempotency-Key") or ""
        with self._lock:
            self.requests.append(
                {"method": method, "path": parts.path, "params": params, "account": account, "key": key}
            )
            if self.down or any(parts.path.startswith(prefix) for prefix in self.failing):
                status, answer = 500, {"error": {"type": "api_error", "message": "stand-in is down"}}
            elif handler.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
                status, answer = 401, {"error": {"type": "invalid_request_error", "message": "bad key"}}
            else:
                status, answer = self._answer(method, parts.path, params, account, key)
        data = json.dumps(answer).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Request-Id", f"req_{next(self._ids)}")
        handler.end_headers()
        handler.wfile.write(data)

    def _answer(self, method, path, params, account, key):
        if method == "POST" and key:
            seen = self._idempotent.get((account, key))
            if seen is not None:
                if seen[0] != (path, params):
                    return 400, {
                        "error": {
                            "type": "idempotency_error",
                            "message": "Keys for idempotent requests can only be used with the same "
                            "parameters",
                        }
                    }
                return seen[1]
        try:
            result = 200, self._route(method, path, params, account)
        except StandInError as error:
            result = error.status, {
                "error": {"type": error.kind, "message": error.message, "code": error.code}
            }
        if method == "POST" and key:
            self._idempotent[(account, key)] = ((path, params), result)
        return result

    def _route(self, method, path, params, account):
        routes = [
            ("POST", r"/v1/accounts", self._account_create),
            ("GET", r"/v1/accounts/(?P<id>[\w]+)", self._account_get),
            ("POST", r"/v1/account_links", self._account_link_create),
            ("POST", r"/v1/checkout/sessions", self._session_create),
            ("GET", r"/v1/checkout/sessions/(?P<id>[\w]+)", self._session_get),
            ("POST", r"/v1/checkout/sessions/(?P<id>[\w]+)/expire", self._session_expire),
            ("GET", r"/v1/payment_intents/(?P<id>[\w]+)", self._intent_get),
            ("POST", r"/v1/refunds", self._refund_create),
            ("GET", r"/v1/refunds/(?P<id>[\w]+)", self._refund_get),
        ]
        for verb, pattern, view in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                return view(params, account, **match.groupdict())
        raise StandInError(404, f"Unrecognized request URL ({method}: {path})")

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_standin{next(self._ids):06d}"

    def _owned(self, table: dict, object_id: str, account: str, kind: str) -> dict:
        obj = table.get(object_id)
        if obj is None or self.owner.get(object_id) != account:
            raise StandInError(404, f"No such {kind}: '{object_id}'", code="resource_missing")
        return obj

    # --- the pages a browser sees at Stripe (hosted Checkout, Connect onboarding) -------------------

    def _browser(self, handler: BaseHTTPRequestHandler, method: str, path: str) -> None:
        """A bare payment page: "Payer" pays the session and goes back to its success URL, "Retour"
        goes to its cancel URL; the onboarding page enables the account and goes back."""
        kind, _slash, object_id = path.strip("/").partition("/")
        with self._lock:
            if kind == "pay" and object_id in self.sessions:
                session = self.sessions[object_id]
                target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", object_id)
                action, cancel = "Payer", session.get("cancel_url") or ""
                title = f"Payer {session['amount_total'] / 100:.2f} EUR"
            elif kind == "onboarding" and object_id in self.accounts:
                target = self._return_urls.get(object_id, "")
                action, cancel, title = "Activer le compte", "", "Configurer le compte Stripe"
            else:
                handler.send_error(404)
                return
            if method == "POST":
                if kind == "pay":
                    self.pay(object_id)
                else:
                    self.account_enable(object_id)
                handler.send_response(303)
                handler.send_header("Location", target)
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return
        back = f'<p><a href="{escape(cancel)}">Retour</a></p>' if cancel else ""
        page = (
            '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
            f"<title>{title}</title></head>"
            f'<body><main><h1>{title}</h1><form method="post" action="{escape(path)}">'
            f'<button type="submit">{action}</button></form>{back}</main></body></html>'
        ).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(page)))
        handler.end_headers()
        handler.wfile.write(page)

    # --- Connect --------------------------------------------------------------------------------

    def _account_create(self, params, account):
        account_id = self._new_id("acct")
        self.accounts[account_id] = {
            "id": account_id,
            "object": "account",
            "type": params.get("type", "standard"),
            "country": params.get("country", "FR"),
            "email": params.get("email"),
            "charges_enabled": False,
            "details_submitted": False,
            "payouts_enabled": False,
        }
        return self.accounts[account_id]

    def _account_get(self, params, account, id):
        if id not in self.accounts:
            raise StandInError(404, f"No such account: '{id}'", code="resource_missing")
        return self.accounts[id]

    def _account_link_create(self, params, account):
        if params.get("account") not in self.accounts:
            raise StandInError(400, "No such account", code="resource_missing")
        for name in ("refresh_url", "return_url", "type"):
            if not params.get(name):
                raise StandInError(400, f"Missing required param: {name}.", code="parameter_missing")
        self._return_urls[params["account"]] = params["return_url"]
        return {
            "object": "account_link",
            "url": f"{self.url}/onboarding/{params['account']}",
            "created": int(time.time()),
            "expires_at": int(time.time()) + 300,
        }

    # --- Checkout -------------------------------------------------------------------------------

    def _session_create(self, params, account):
        if params.get("mode") != "payment" or not params.get("success_url"):
            raise StandInError(400, "mode=payment and success_url are required", code="parameter_missing")
        items = params.get("line_items") or []
        total = 0
        currency = None
        for item in items:
            data = item["price_data"]
            total += int(data["unit_amount"]) * int(item.get("quantity", 1))
            currency = data["currency"]
        intent_data = params.get("payment_intent_data") or {}
        fee = intent_data.get("application_fee_amount")
        if fee is not None and int(fee) > total:
            raise StandInError(400, "application_fee_amount must be at most the amount", code="too_large")
        session_id = self._new_id("cs_test")
        self.sessions[session_id] = {
            "id": session_id,
            "object": "checkout.session",
            "mode": "payment",
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": total,
            "currency": currency,
            "metadata": params.get("metadata") or {},
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "url": f"{self.url}/pay/{session_id}",
            "payment_intent": None,
            "livemode": False,
            # What the test may check: not part of Stripe's session object.
            "_intent_data": intent_data,
        }
        self.owner[session_id] = account
        return self._public(self.sessions[session_id])

    @staticmethod
    def _public(obj: dict) -> dict:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    def _session_get(self, params, account, id):
        return self._public(self._owned(self.sessions, id, account, "checkout.session"))

    def _session_expire(self, params, account, id):
        session = self._owned(self.sessions, id, account, "checkout.session")
        if session["status"] != "open":
            raise StandInError(
                400,
                f"Only Checkout Sessions with a status in [\"open\"] can be expired. This Checkout Session "
                f"has a status of \"{session['status']}\".",
            )
        self._expire(session)
        return self._public(session)

    def _expire(self, session: dict) -> None:
        session["status"] = "expired"
        intent = self.intents.get(session["payment_intent"] or "")
        if intent is not None and intent["status"] != "succeeded":
            intent["status"] = "canceled"

    def _intent_get(self, params, account, id):
        return self._owned(self.intents, id, account, "payment_intent")

    # --- Refunds --------------------------------------------------------------------------------

    def _refund_create(self, params, account):
        intent = self._owned(self.intents, params.get("payment_intent", ""), account, "payment_intent")
        if intent["status"] != "succeeded":
            raise StandInError(400, "This PaymentIntent has no successful charge to refund.")
        left = intent["amount_received"] - intent["amount_refunded"]
        amount = int(params.get("amount", left))
        if amount <= 0 or amount > left:
            raise StandInError(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                code="charge_exceeded_refund_amount" if amount > left else "amount_too_small",
            )
        intent["amount_refunded"] += amount
        refund_id = self._new_id("re")
        self.refunds[refund_id] = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "status": self.refund_status,
            "metadata": params.get("metadata") or {},
        }
        self.owner[refund_id] = account
        return self.refunds[refund_id]

    def _refund_get(self, params, account, id):
        return self._owned(self.refunds, id, account, "refund")

    # --- what happens at Stripe (driven by the tests) ----------------------------------------------

    def account_enable(self, account_id: str, *, charges: bool = True) -> dict:
        with self._lock:
            account = self.accounts[account_id]
            account.update(charges_enabled=charges, details_submitted=True, payouts_enabled=charges)
            return dict(account)

    def _intent_for(self, session: dict) -> dict:
        intent = self.intents.get(session["payment_intent"] or "")
        if intent is None:
            intent_data = session["_intent_data"]
            intent = {
                "id": self._new_id("pi"),
                "object": "payment_intent",
                "amount": session["amount_total"],
                "amount_received": 0,
                "amount_refunded": 0,  # the stand-in's own bookkeeping
                "currency": session["currency"],
                "status": "requires_payment_method",
                "metadata": intent_data.get("metadata") or {},
                "application_fee_amount": int(intent_data.get("application_fee_amount") or 0) or None,
                "last_payment_error": None,
                "latest_charge": None,
            }
            self.intents[intent["id"]] = intent
            self.owner[intent["id"]] = self.owner[session["id"]]
            session["payment_intent"] = intent["id"]
        return intent

    def pay(self, session_id: str, *, complete_session: bool = True) -> dict:
        """The customer pays: the PaymentIntent succeeds and (unless told otherwise, to emulate the
        moment between the two) the session completes."""
        with self._lock:
            session = self.sessions[session_id]
            intent = self._intent_for(session)
            intent.update(
                status="succeeded",
                amount_received=intent["amount"],
                latest_charge=self._new_id("ch"),
                last_payment_error=None,
            )
            if complete_session:
                session.update(status="complete", payment_status="paid")
            return self._public(session)

    def decline(self, session_id: str) -> dict:
        """The customer's card is declined: the session stays open for another try."""
        with self._lock:
            session = self.sessions[session_id]
            intent = self._intent_for(session)
            intent.update(
                status="requires_payment_method",
                last_payment_error={"type": "card_error", "code": "card_declined", "message": "Declined"},
            )
            return dict(intent)

    def expire(self, session_id: str) -> dict:
        """Stripe expires the session by itself (its lifetime ended)."""
        with self._lock:
            session = self.sessions[session_id]
            self._expire(session)
            return self._public(session)

    def session(self, session_id: str) -> dict:
        with self._lock:
            return dict(self.sessions[session_id])

    def intent(self, intent_id: str) -> dict:
        with self._lock:
            return dict(self.intents[intent_id])

    def calls(self, path_start: str, method: str = "POST") -> list[dict]:
        with self._lock:
            return [r for r in self.requests if r["method"] == method and r["path"].startswith(path_start)]

    # --- webhooks -------------------------------------------------------------------------------

    def event(
        self, event_type: str, obj: dict, *, account: str | None = None, event_id: str | None = None,
        secret: str = WEBHOOK_SECRET,
    ) -> tuple[bytes, str]:
        """A webhook body for `obj` and its `Stripe-Signature` header, as Stripe sends them."""
        body = {
            "id": event_id or self._new_id("evt"),
            "object": "event",
            "type": event_type,
            "api_version": stripe.api_version,
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "data": {"object": obj},
        }
        if account is not None:
            body["account"] = account
        payload = json.dumps(body)
        header = stripe.WebhookSignature.generate_signature_header(payload, secret)
        return payload.encode(), header


# --- for the Django tests ----------------------------------------------------------------------------


@contextlib.contextmanager
def running(settings):
    """A stand-in started for one test, with Cabas' Stripe settings pointing at it."""
    standin = StripeStandIn().start()
    settings.STRIPE_API_BASE = standin.url
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    try:
        yield standin
    finally:
        standin.stop()


def connect_seller(standin: StripeStandIn, seller, *, charges: bool = True):
    """`seller`'s Stripe account, created at the stand-in and recorded in Cabas."""
    from cabas.payments.models import StripeAccount

    with standin._lock:
        data = standin._account_create({"type": "standard"}, "")
    if charges:
        standin.account_enable(data["id"])
    return StripeAccount.objects.create(enterprise=seller, account_id=data["id"], charges_enabled=charges)


def card_shop(standin: StripeStandIn, *, reservation_minutes: int = 30, charges: bool = True):
    """The open shop of the orders tests (tomatoes 3,20 €, stock 10; eggs 2,50 €, stock 4), also
    paid by card on its connected Stripe account; `data.card` is the card method."""
    from cabas.orders.tests.shop_setup import open_shop
    from cabas.payments.models import PaymentMethod

    data = open_shop()
    data.card = PaymentMethod.objects.create(
        enterprise=data.shop,
        kind=PaymentMethod.Kind.CARD,
        name="Carte bancaire",
        reservation_minutes=reservation_minutes,
    )
    data.distribution.payment_methods.add(data.card)
    data.account = connect_seller(standin, data.shop, charges=charges)
    return data
