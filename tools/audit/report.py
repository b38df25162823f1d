"""make audit's answers for people: one access in full, or one line per access."""

from __future__ import annotations

from collections.abc import Sequence


def access(document: dict, *, bucket: str) -> str:
    kind = "RDP connection" if document["kind"] == "rdp" else "Session"
    lines = [f"{kind} {document['id']} in {document['account']} {document['region']}"]
    who = document.get("principal") or {}
    rows = [
        ("person", _person(who)),
        ("principal", who.get("arn")),
        ("source IP", document.get("source_ip")),
        ("target", document.get("target")),
        ("document", document.get("document")),
        ("started via", document.get("via")),
        ("start", document.get("start")),
        ("end", document.get("end")),
    ]
    jit = document.get("jit")
    if jit:
        rows += [
            ("JIT request", jit.get("request_id")),
            ("reason", jit.get("reason")),
            ("requested by", _person(jit.get("requester") or {})),
            ("decision", _decision(jit)),
        ]
    rows += [
        ("recording", _object(bucket, document.get("recording_key"))),
        ("transcripts", _object(bucket, document.get("transcript_prefix"))),
        ("index", _object(bucket, document.get("index_key"))),
    ]
    width = max(len(label) for label, _ in rows)
    lines += [f"  {label:<{width}}  {value}" for label, value in rows if value]
    if document["kind"] == "rdp" and not document.get("recording_key"):
        lines.append("  no recording has arrived for this connection")
    if not document.get("start"):
        lines.append("  no access event has arrived for this record: a recording without an access")
    return "\n".join(lines)


def accesses(documents: Sequence[dict]) -> str:
    if not documents:
        return "no sessions or RDP connections in the window"
    rows = [
        (
            d["start"],
            d["kind"],
            d["id"],
            _person(d.get("principal") or {}) or "-",
            d.get("target") or "-",
            d.get("end") or "-",
        )
        for d in documents
    ]
    return _table(("start", "kind", "id", "person", "target", "end"), rows)


def commands(rows: Sequence[dict]) -> str:
    if not rows:
        return "no transcript line matches in the window"
    lines = [
        (
            r["event_time"] or "-",
            r["region"],
            r["sessionid"],
            r["principal_arn"] or "-",
            (r["text"] or "").replace("\n", " \u23ce "),
        )
        for r in rows
    ]
    return _table(("time", "region", "session", "principal", "text"), lines)


def _table(header: tuple[str, ...], rows: Sequence[tuple]) -> str:
    rows = [header, *rows]
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(f"{v:<{w}}" for v, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def _person(principal: dict) -> str | None:
    if not principal.get("person"):
        return principal.get("arn")
    return f"{principal['person']} ({principal.get('person_source')})"


def _decision(jit: dict) -> str | None:
    if not jit.get("decision"):
        return "no approval seen"
    verb = "approved" if jit["decision"] == "Approve" else "refused"
    return f"{verb} by {_person(jit.get('approver') or {})} at {jit.get('decided_at')}"


def _object(bucket: str, key: str | None) -> str | None:
    return f"s3://{bucket}/{key}" if key else None
