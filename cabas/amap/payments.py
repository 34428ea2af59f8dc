"""What the AMAP tracks of its members' payments to the producers: each cheque (or transfer, or
cash) goes « à fournir » → « reçu par l'AMAP » → « remis au producteur », in that order only; the
cheques received are handed over to the producer in one go (a `HandOver`, printed as the slip); a
SEPA instalment is collected by the producer itself and never passes through the AMAP's hands.

The balance of a subscription compares what it costs (its baskets' orders) with what was received
and handed over; at the end of a variable contract's season every plan is split again to the
actual cost (`season_regularisation`).

Allowed moves (anything else raises PaymentStateError and changes nothing):

    à fournir ──receive──▶ reçu par l'AMAP ──hand over──▶ remis au producteur
        ▲                       │
        └─────unreceive─────────┘   (a mistake undone; a handed-over cheque stays handed over)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.amap.exceptions import PaymentStateError, PlanInvalid
from cabas.amap.models import Contract, HandOver, Instalment, Subscription
from cabas.amap.plans import plan_rebalance, subscription_due
from cabas.lib.money import ZERO, format_eur, round_money

State = Instalment.State
Method = Instalment.Method
MAX_CHEQUE_NUMBER, MAX_BANK = 20, 60


def _locked(instalment: Instalment) -> Instalment:
    return (
        Instalment.objects.select_for_update().select_related("subscription__contract").get(pk=instalment.pk)
    )


def instalment_receive(
    *, instalment: Instalment, cheque_number: str = "", bank: str = "", user=None
) -> Instalment:
    """The AMAP received `instalment` (« à fournir » → « reçu par l'AMAP »). A cheque needs its
    number; a SEPA instalment is collected by the producer, never received by the AMAP."""
    cheque_number, bank = (cheque_number or "").strip(), (bank or "").strip()
    with transaction.atomic():
        locked = _locked(instalment)
        if locked.method == Method.SEPA:
            raise PaymentStateError(
                _("Cette échéance est prélevée par le producteur : l'AMAP ne la reçoit pas.")
            )
        if locked.state != State.TO_PROVIDE:
            raise PaymentStateError(
                _("Cette échéance est déjà « %(state)s » : elle ne peut pas être reçue à nouveau.")
                % {"state": locked.get_state_display()}
            )
        if locked.method == Method.CHEQUE and not cheque_number:
            raise PaymentStateError(_("Indiquez le numéro du chèque."), field="cheque_number")
        if len(cheque_number) > MAX_CHEQUE_NUMBER:
            raise PaymentStateError(
                _("Le numéro de chèque a %(max)s caractères au plus.") % {"max": MAX_CHEQUE_NUMBER},
                field="cheque_number",
            )
        if len(bank) > MAX_BANK:
            raise PaymentStateError(
                _("Le nom de la banque a %(max)s caractères au plus.") % {"max": MAX_BANK}, field="bank"
            )
        locked.state = State.RECEIVED
        locked.cheque_number, locked.bank = cheque_number, bank
        locked.received_at = timezone.now()
        locked.save(update_fields=["state", "cheque_number", "bank", "received_at"])
    return locked


def instalment_unreceive(*, instalment: Instalment, user=None) -> Instalment:
    """Undo a reception recorded by mistake (« reçu par l'AMAP » → « à fournir »). A cheque already
    handed over to the producer cannot come back this way."""
    with transaction.atomic():
        locked = _locked(instalment)
        if locked.state != State.RECEIVED:
            raise PaymentStateError(
                _(
                    "Seule une échéance « Reçu par l'AMAP » peut revenir à « À fournir » "
                    "(celle-ci est « %(state)s »)."
                )
                % {"state": locked.get_state_display()}
            )
        locked.state = State.TO_PROVIDE
        locked.cheque_number, locked.bank, locked.received_at = "", "", None
        locked.save(update_fields=["state", "cheque_number", "bank", "received_at"])
    return locked


def instalments_hand_over(*, amap, producer, instalments: Iterable[Instalment], user=None) -> HandOver:
    """Hand the received `instalments` over to `producer` in one go (« remis au producteur »): one
    `HandOver`, the slip. Every instalment must be received by the AMAP and belong to one of
    `amap`'s contracts with `producer`; otherwise nothing changes."""
    wanted = sorted({i.pk for i in instalments})
    if not wanted:
        raise PaymentStateError(_("Cochez au moins un chèque à remettre."))
    with transaction.atomic():
        locked = list(
            Instalment.objects.select_for_update()
            .filter(pk__in=wanted)
            .select_related("subscription__contract", "subscription__customer")
            .order_by("pk")
        )
        if len(locked) != len(wanted):
            raise PaymentStateError(_("Une des échéances cochées n'existe plus : rechargez la page."))
        for instalment in locked:
            contract = instalment.subscription.contract
            who = {"member": instalment.subscription.customer, "number": instalment.number}
            if contract.amap_id != amap.pk or contract.producer_id != producer.pk:
                raise PaymentStateError(
                    _(
                        "L'échéance %(number)s de %(member)s n'est pas un règlement de ce producteur : "
                        "rien n'a été remis."
                    )
                    % who
                )
            if instalment.state != State.RECEIVED:
                raise PaymentStateError(
                    _(
                        "L'échéance %(number)s de %(member)s est « %(state)s » : seules les échéances reçues "
                        "par l'AMAP se remettent au producteur. Rien n'a été remis."
                    )
                    % {**who, "state": instalment.get_state_display()}
                )
        handover = HandOver.objects.create(amap=amap, producer=producer, created_by=user)
        Instalment.objects.filter(pk__in=wanted).update(state=State.HANDED_OVER, handover=handover)
    return handover


@dataclass(frozen=True)
class Balance:
    """Where a subscription's payments stand. `received` counts what the AMAP received, handed
    over or not; `by_producer` the SEPA instalments the producer collects itself; `left` what is
    still to be paid beyond both; `overpaid` what was received beyond the cost (owed back)."""

    due: Decimal
    received: Decimal
    handed_over: Decimal
    by_producer: Decimal
    planned: Decimal  # the plan's total

    @property
    def left(self) -> Decimal:
        return max(self.due - self.received - self.by_producer, ZERO)

    @property
    def overpaid(self) -> Decimal:
        return max(self.received + self.by_producer - self.due, ZERO)

    @property
    def settled(self) -> bool:
        return self.left == ZERO and self.overpaid == ZERO


def balance_of(due: Decimal, instalments: Iterable[Instalment]) -> Balance:
    """The balance of a subscription costing `due` from its instalments (already loaded)."""
    instalments = list(instalments)

    def total(keep) -> Decimal:
        return round_money(sum((i.amount for i in instalments if keep(i)), ZERO))

    return Balance(
        due=round_money(due),
        received=total(lambda i: i.state in (State.RECEIVED, State.HANDED_OVER)),
        handed_over=total(lambda i: i.state == State.HANDED_OVER),
        by_producer=total(lambda i: i.method == Method.SEPA and i.state == State.TO_PROVIDE),
        planned=total(lambda i: True),
    )


def subscription_balance(subscription: Subscription) -> Balance:
    """Due vs received vs handed over for `subscription` (two queries)."""
    return balance_of(subscription_due(subscription), subscription.instalments.all())


@dataclass(frozen=True)
class Regularisation:
    subscription: Subscription
    balance: Balance

    @property
    def sentence(self) -> str:
        member = self.subscription.customer
        if self.balance.left:
            return _("%(member)s doit encore %(amount)s.") % {
                "member": member,
                "amount": format_eur(self.balance.left),
            }
        if self.balance.overpaid:
            return _("Le producteur doit rendre %(amount)s à %(member)s.") % {
                "member": member,
                "amount": format_eur(self.balance.overpaid),
            }
        return _("%(member)s est à jour.") % {"member": member}


def season_regularisation(contract: Contract) -> list[Regularisation]:
    """End of a variable contract's season: split every active subscription's plan again to what
    its baskets actually cost (`plan_rebalance`), then say who still owes and who is owed."""
    if contract.kind != Contract.Kind.VARIABLE:
        raise PlanInvalid(_("La régularisation de fin de saison concerne les contrats à commande variable."))
    subscriptions = list(
        contract.subscriptions.filter(status=Subscription.Status.ACTIVE)
        .select_related("customer")
        .order_by("customer__last_name", "customer__first_name", "pk")
    )
    result = []
    with transaction.atomic():
        for subscription in subscriptions:
            plan = plan_rebalance(subscription)
            result.append(Regularisation(subscription, balance_of(subscription_due(subscription), plan)))
    return result
