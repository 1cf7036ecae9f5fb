"""The email question both forms share: offers, read-backs, "did you mean", the directory.

Spoken addresses are the answers a phone recogniser gets wrong most ("Tim Lee 456 at
gmail.com" for kim lee), so one heard over the phone is read back before it is used,
and one the directory lacks but nearly matches one entry is offered as that entry.
A refused address is repaired part by part (actions/email_repair.py), and the
organisation's domains (actions/known_domains.py) complete names said alone, recover
an address heard without its "at" and correct a domain heard close to a known one.
After two misses the caller is asked to spell; the way out (cancel, or a person when a
transfer number is set) comes with that question. When nothing works, the form goes
on with the address as heard, for the desk to confirm (actions/asking.py).
"""

from __future__ import annotations

import logging
import re
from abc import abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers
from actions.asking import (
    NOT_CAUGHT_RESPONSE,
    OFFER_WAY_OUT_AT,
    CarriesOnWithoutAnswers,
    ask,
    asks_in_a_row,
)
from actions.email_repair import (
    ASK_DOMAIN,
    ASK_NAME,
    CHECK_DOMAIN,
    CHECK_NAME,
    UNCONFIRMED,
    Repair,
)
from actions.email_repair import SLOT as REPAIR
from actions.incidents import Caller, IncidentServiceError
from actions.incidents.directory import only_close_address
from actions.incidents.factory import UsesIncidentBackend
from actions.known_domains import close_known_domain, known_domains, main_domain
from actions.latest_answer import entity_value, latest_text, said_besides
from actions.message_by_keys import OFFER_RESPONSE, offers_the_key
from actions.read_back import (
    accepted,
    answer_to_read_back,
    confirmed,
    heard_for_sure,
    heard_slot,
    not_caught,
    pending,
    read_back,
    was_spoken,
)
from actions.verification import attested_number, calling_number, verification_required
from helpdesk.privacy import mask_email
from helpdesk.spoken_email import (
    find_domain,
    find_email_at_known_domain,
    find_local_part,
    say_address_part,
)

logger = logging.getLogger(__name__)

# The last address the caller said no to when it was read back or offered.
DECLINED = "declined_email"
# "I can't find <what the caller said>. Did you mean <a known address>?"
DID_YOU_MEAN_RESPONSE = "utter_ask_did_you_mean_email"
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ActionAskEmail(UsesIncidentBackend, Action):
    """Asks for the email address, offering one the call already points to.

    That is the address given earlier in the call or, on the phone, the address of the
    directory user whose number is calling. An address waiting for the caller's yes is
    read back instead, and after two misses the caller is asked to spell it.
    """

    def name(self) -> str:
        return "action_ask_email"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        heard = pending(tracker, "email")
        if heard:
            if not_caught(tracker, "email"):
                dispatcher.utter_message(response=NOT_CAUGHT_RESPONSE)
            said = (entity_value(tracker, "email") or "").lower()
            if said and said != heard:
                dispatcher.utter_message(
                    response=DID_YOU_MEAN_RESPONSE, email=said, suggestion=heard
                )
            elif heard == tracker.get_slot(DECLINED):
                dispatcher.utter_message(response="utter_ask_heard_email_again", email=heard)
            else:
                dispatcher.utter_message(response="utter_ask_heard_email", email=heard)
            return []
        repair = Repair.of(tracker)
        if repair.step:
            return self._repair_question(dispatcher, tracker, repair)
        if tracker.get_slot("previous_email"):
            return ask(dispatcher, tracker, "email", response="utter_ask_use_previous_email")
        known = await self.off_loop(lambda: self._caller_on_the_line(tracker))
        if known is None:
            keys = OFFER_RESPONSE if offers_the_key(tracker) else None
            # Neither part of a refused address was right: saying it again would meet
            # the same mistake, so it is spelled.
            if asks_in_a_row(tracker, "email") >= OFFER_WAY_OUT_AT or repair.heard:
                return ask(dispatcher, tracker, "email", keys, response=SPELLING_RESPONSE)
            domain = main_domain()
            if domain:
                return ask(
                    dispatcher,
                    tracker,
                    "email",
                    keys,
                    response="utter_ask_email_at_domain",
                    **_part_values("email_domain", domain),
                )
            return ask(dispatcher, tracker, "email", keys)
        ask(
            dispatcher,
            tracker,
            "email",
            response="utter_ask_use_directory_email",
            previous_email=known,
        )
        return [SlotSet("previous_email", known)]

    @staticmethod
    def _repair_question(
        dispatcher: CollectingDispatcher, tracker: Tracker, repair: Repair
    ) -> list[EventType]:
        """One part of a refused address: is it right, or what is it."""
        if repair.step == CHECK_NAME:
            values = _part_values("email_name", repair.offer)
            dispatcher.utter_message(response="utter_ask_email_name_right", **values)
            return []
        if repair.step == CHECK_DOMAIN:
            values = _part_values("email_domain", repair.offer)
            dispatcher.utter_message(response="utter_ask_email_domain_right", **values)
            return []
        if repair.step == ASK_NAME:
            values = _part_values("email_domain", repair.domain)
            return ask(dispatcher, tracker, "email", response="utter_ask_email_name", **values)
        values = _part_values("email_name", repair.name)
        spell = asks_in_a_row(tracker, "email") >= OFFER_WAY_OUT_AT
        response = DOMAIN_SPELLING_RESPONSE if spell else DOMAIN_RESPONSE
        return ask(dispatcher, tracker, "email", response=response, **values)

    def _caller_on_the_line(self, tracker: Tracker) -> str | None:
        # Read out only to a caller whose number its carrier vouched for.
        phone = attested_number(tracker) if verification_required() else calling_number(tracker)
        if not phone:
            return None
        try:
            caller = self.backend.find_caller_by_phone(phone)
        except IncidentServiceError as error:
            logger.warning("Looking up the calling number failed: %s", error)
            return None
        return caller.email if caller else None


SPELLING_RESPONSE = "utter_ask_email_spelled"
DOMAIN_RESPONSE = "utter_ask_email_domain"
DOMAIN_SPELLING_RESPONSE = "utter_ask_email_domain_spelled"


def _part_values(name: str, part: str) -> dict[str, str]:
    """A part of an address for a response: as written, and as it is read out."""
    return {name: part, f"{name}_said": say_address_part(part)}


def heard_address(tracker: Tracker) -> str:
    """The address the line last made of the caller's words, confirmed or not: the one
    being repaired, the one refused, or the one read back; '' when none was heard."""
    return str(
        Repair.of(tracker).heard or tracker.get_slot(DECLINED) or pending(tracker, "email") or ""
    )


def address_not_found(tracker: Tracker) -> str:
    """The caller's own address when their latest turn answered "I can't find <it>. Did
    you mean <entry>?"; '' otherwise."""
    latest_user_seen = asked = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user" and latest_user_seen:
            entities = (event.get("parse_data") or {}).get("entities") or []
            said = [str(e.get("value") or "") for e in entities if e.get("entity") == "email"]
            return said[-1].lower() if asked and said else ""
        if kind == "user":
            latest_user_seen = True
        elif kind == "bot" and latest_user_seen and not asked:
            utter = (event.get("metadata") or {}).get("utter_action")
            if utter != DID_YOU_MEAN_RESPONSE:
                return ""
            asked = True
    return ""


class EmailFormValidation(CarriesOnWithoutAnswers, UsesIncidentBackend, FormValidationAction):
    """Email handling shared by the forms: offers, read-backs, repair, the directory."""

    # Whether the form's outcome (an incident, a message) can be filed with an address
    # the desk confirms later; a status check tells nobody anything without one.
    keeps_an_unconfirmed_address = True

    @abstractmethod
    def name(self) -> str:
        """The validation action's name, `validate_<form>`."""

    async def extract_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Turns yes or no to an offered or read-back address into the email slot.

        No becomes an explicit None, so that `validate_email` runs and forgets the offer;
        rasa-sdk returns only the slots a form requires, so it cannot be cleared here.
        """
        requested = tracker.get_slot("requested_slot")
        said = entity_value(tracker, "email")
        if requested == "email" and pending(tracker, "email"):
            return answer_to_read_back(tracker, "email", said.lower() if said else None)
        previous_email = tracker.get_slot("previous_email")
        offered = requested == "email" and previous_email and not tracker.get_slot("email")
        if offered:
            intent = tracker.get_intent_of_latest_message()
            if intent == "affirm":
                return {"email": previous_email}
            if intent == "deny":
                return {"email": None}
            return {}
        if said and requested != "email" and said_besides(tracker, answers.names_email):
            return {"email": said}
        if requested != "email":
            return {}
        repair = Repair.of(tracker)
        text = latest_text(tracker)
        if repair.checking and not said:
            # Yes or no to one part: `validate_email` moves the repair on.
            intent = tracker.get_intent_of_latest_message()
            return {"email": None} if intent in {"affirm", "deny"} else {}
        if repair.step in {ASK_NAME, ASK_DOMAIN}:
            # Asked for one part, a spelled "s a m" is no address "s at m": the part
            # first, a whole address only when no part can be read.
            part = find_local_part(text) if repair.step == ASK_NAME else find_domain(text)
            return {"email": repair.with_part(part)} if part else {}
        if said:
            return {}
        known = await self.off_loop(lambda: self.known_domains())
        completed = find_email_at_known_domain(text, known, main_domain())
        return {"email": completed} if completed else {}

    async def validate_email(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Accepts an address the incident system knows, and remembers it for the call.

        One heard over the phone is first read back, or offered as the one directory
        entry it nearly matches.
        """
        repair = Repair.of(tracker)
        if value is None and repair.checking:
            return await self._repair_answered(repair, tracker, dispatcher)
        if value is None:
            refused = pending(tracker, "email")
            own = address_not_found(tracker)
            if refused and own and own != refused:
                return self._meant_what_they_said(own, refused, tracker)
            declined = (
                {DECLINED: refused, REPAIR: repair.refused(refused).as_slot()} if refused else {}
            )
            return {"email": None, "previous_email": None, heard_slot("email"): None, **declined}
        email = str(value).strip().lower()
        if not _EMAIL_SHAPE.match(email):
            return {"email": None}
        offered = email == tracker.get_slot("previous_email")
        both_parts_confirmed = email == repair.confirmed_address
        try:
            if (
                was_spoken(tracker)
                and not offered
                and not both_parts_confirmed
                and not confirmed(tracker, "email", email)
            ):
                return await self._before_use(email, tracker, dispatcher)
            caller = await self.off_loop(lambda: self.backend.find_caller_by_email(email))
        except IncidentServiceError as error:
            logger.error("Looking up %s failed: %s", mask_email(email), error)
            dispatcher.utter_message(response="utter_incident_service_unavailable")
            return {"email": None}
        if caller is None:
            dispatcher.utter_message(response="utter_no_email", email=email)
            return {"email": None}
        await self._bind_calling_number(tracker, caller)
        ended = {REPAIR: None} if repair.as_slot() else {}
        return {**accepted(tracker, "email", email), "previous_email": email, **ended}

    def _meant_what_they_said(self, own: str, refused: str, tracker: Tracker) -> dict[str, Any]:
        """No to "I can't find <own>. Did you mean <entry>?": the caller meant their own
        words, so the entry is not offered again and their address is what goes on: read
        back where a new caller can register it, else checked part by part."""
        if self.backend.registers_new_callers:
            return {**read_back("email", own), DECLINED: refused}
        repair = Repair.of(tracker).refused(own).as_slot()
        return {"email": None, heard_slot("email"): None, DECLINED: refused, REPAIR: repair}

    async def _repair_answered(
        self, repair: Repair, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> dict[str, Any]:
        """Yes or no to one part of a refused address; with both parts confirmed, the
        address is used without another read-back."""
        yes = tracker.get_intent_of_latest_message() == "affirm"
        close = None
        if repair.step == CHECK_NAME and yes:
            heard_domain = repair.heard.partition("@")[2]
            known = await self.off_loop(lambda: self.known_domains())
            close = close_known_domain(heard_domain, known)
        moved = repair.answered(yes, close)
        if moved.confirmed_address and not moved.step:
            tracker.slots[REPAIR] = moved.as_slot()
            used = await self.validate_email(moved.confirmed_address, dispatcher, tracker, {})
            return {**used, REPAIR: None}
        return {"email": None, REPAIR: moved.as_slot()}

    def known_domains(self) -> list[str]:
        """EMAIL_DOMAINS and the directory's domains; only EMAIL_DOMAINS when the
        directory cannot be read."""
        try:
            return known_domains(self.backend.known_domains())
        except IncidentServiceError as error:
            logger.warning("Reading the directory's domains failed: %s", error)
            return known_domains([])

    def fallback(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """The address as heard, for the desk to confirm; other slots as each form says."""
        if slot != "email":
            return self.fallback_besides_email(slot, dispatcher, tracker)
        heard = heard_address(tracker)
        dispatcher.utter_message(response="utter_email_unconfirmed")
        return {"email": UNCONFIRMED, REPAIR: Repair(heard=heard).as_slot()}

    def needs_a_person(self, slot: str, tracker: Tracker) -> bool:
        """Only for a form whose outcome can wait for the desk to confirm the address,
                and only when the caller was heard trying to give one: an address was made of
                their words, or the recogniser was not sure of them (a noisy line, or a line that
        reports no confidence). A caller heard
                clearly talking of something else is better served by a person."""
        if slot != "email":
            return False
        tried = bool(heard_address(tracker)) or not heard_for_sure(tracker)
        return not (self.keeps_an_unconfirmed_address and tried)

    def fallback_besides_email(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """What a form's other slots carry on with; a form without others has none."""
        raise NotImplementedError(f"{self.name()} has no fallback for {slot}")

    async def _before_use(
        self, email: str, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> dict[str, Any]:
        """A heard address: read back, offered as the entry it nearly matches, or not
        found and repaired part by part.

        An entry the caller already said no to is not offered again.
        """
        declined = tracker.get_slot(DECLINED)
        directory = await self.off_loop(lambda: self.backend.addresses_like(email))
        if email in directory:
            return read_back("email", email)
        suggestion = only_close_address(email, directory) or await self._at_known_domain(email)
        suggestion = None if suggestion == declined else suggestion
        if suggestion or self.backend.registers_new_callers:
            return read_back("email", suggestion or email)
        # Not in the directory: one part of it is likely misheard, so the parts are
        # checked as after a no to a read-back.
        dispatcher.utter_message(response="utter_no_email_yet", email=email)
        repair = Repair.of(tracker).refused(email).as_slot()
        return {"email": None, heard_slot("email"): None, REPAIR: repair}

    async def _at_known_domain(self, email: str) -> str | None:
        """The address with its domain replaced by the known domain it is close to."""
        name, _, domain = email.partition("@")
        close = close_known_domain(domain, await self.off_loop(lambda: self.known_domains()))
        return f"{name}@{close}" if close else None

    async def _bind_calling_number(self, tracker: Tracker, caller: Caller) -> None:
        number = attested_number(tracker)
        if number:
            await self.off_loop(lambda: self.backend.bind_phone(caller, number))
