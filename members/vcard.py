"""A vCard 3.0 (RFC 2426) of a member, built from what the viewer may see of them.

It takes a ``MemberCard`` (see ``members.visibility.card_for``), never a raw ``Member``
field by field, so that a field the viewer may not see cannot end up in the file.
"""

from __future__ import annotations

from members.visibility import MemberCard

CRLF = "\r\n"
# RFC 2426 §2.6: lines longer than 75 octets are folded; continuation lines start with a space.
MAX_LINE_OCTETS = 75


def escape(value: str) -> str:
    """Escape a text value: backslash, comma, semicolon and newlines (RFC 2426 §4)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    for char, escaped in (("\\", "\\\\"), (",", "\\,"), (";", "\\;"), ("\n", "\\n")):
        value = value.replace(char, escaped)
    return value


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a character."""
    chunks: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = MAX_LINE_OCTETS if not chunks else MAX_LINE_OCTETS - 1
        if size + width > limit:
            chunks.append(current)
            current, size = "", 0
        current += char
        size += width
    chunks.append(current)
    return (CRLF + " ").join(chunks)


def _structured(*components: str) -> str:
    return ";".join(escape(component) for component in components)


def vcard_lines(card: MemberCard) -> list[str]:
    """The content lines, before folding: only the card's visible fields."""
    member, fields = card.member, card.fields
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"FN:{escape(card.name)}",
        f"N:{_structured(card.family_name, card.given_name, '', '', '')}",
    ]
    if member.organisation is not None:
        lines.append(f"ORG:{escape(member.organisation.name)}")
    if member.fonction:
        lines.append(f"TITLE:{escape(member.fonction)}")
    if fields.get("email"):
        lines.append(f"EMAIL;TYPE=INTERNET:{escape(fields['email'])}")
    if fields.get("phone"):
        lines.append(f"TEL;TYPE=WORK,VOICE:{escape(fields['phone'])}")
    if fields.get("address"):
        # The address is free text: it goes in the street component, lines kept.
        lines.append(f"ADR;TYPE=WORK:{_structured('', '', fields['address'], '', '', '', '')}")
    if fields.get("expertise"):
        lines.append("CATEGORIES:" + ",".join(escape(tag) for tag in fields["expertise"]))
    if fields.get("bio"):
        lines.append(f"NOTE:{escape(fields['bio'])}")
    lines.append("END:VCARD")
    return lines


def vcard_for(card: MemberCard) -> str:
    """The vCard text, CRLF line endings, long lines folded."""
    return "".join(fold(line) + CRLF for line in vcard_lines(card))
