"""Chat text becomes sentences a caller can follow."""

from __future__ import annotations

from channels.speech import speakable, spell_email, spell_ticket, split_for_say


def test_bullets_become_sentences_and_markdown_emoji_and_links_go() -> None:
    text = "You can ask me:\n- **Open** an incident 🎉\n- Check _status_ at https://x.example/a"
    assert speakable(text) == "You can ask me: Open an incident. Check status at."


def test_ticket_numbers_are_spelled_in_groups() -> None:
    assert spell_ticket("INC", "0010008") == "I N C, 0 0 1, 0 0 0 8"
    assert speakable("Incident INC0010008 is open.") == "Incident I N C, 0 0 1, 0 0 0 8 is open."


def test_email_addresses_are_spoken_with_their_punctuation() -> None:
    assert spell_email("mary_ann-lee+it@mail.example.com") == (
        "mary underscore ann dash lee plus it at mail dot example dot com"
    )


def test_digits_in_an_address_are_spoken_one_by_one() -> None:
    assert spell_email("kimlee456@gmail.com") == "kimlee 4 5 6 at gmail dot com"


def test_long_text_is_split_at_sentences_below_the_limit() -> None:
    text = " ".join(f"Sentence number {n} is here." for n in range(200))
    pieces = split_for_say(text, limit=100)
    assert all(len(piece) <= 100 for piece in pieces)
    assert " ".join(pieces) == text


def test_a_sentence_longer_than_the_limit_is_split_between_words() -> None:
    text = "word " * 50
    pieces = split_for_say(text.strip(), limit=30)
    assert all(len(piece) <= 30 for piece in pieces)
    assert " ".join(pieces).split() == text.split()
