#!/usr/bin/python3
"""Stand-in for Mailpit: an SMTP sink on 1025 and a subset of its HTTP API on 8025.

"mailpit readyz" asks the running server whether it is ready (the compose file's health command).
Messages are kept in memory. A request that brings a bearer token is logged with the token's
claims (issuer, subject, expiry), never the token itself.
"""
import base64
import email
import email.message
import email.policy
import email.utils
import json
import signal
import socketserver
import sys
import threading
import urllib.request
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MESSAGES = []
LOCK = threading.Lock()


def log(text):
    print(text, flush=True)


def store(sender, recipients, raw):
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    body = parsed.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    message = {
        "ID": uuid.uuid4().hex,
        "MessageID": (parsed.get("Message-ID") or "").strip("<>"),
        "From": address(parsed.get("From") or sender),
        "To": [address(r) for r in recipients],
        "Subject": str(parsed.get("Subject") or ""),
        "Created": datetime.now(timezone.utc).isoformat(),
        "Size": len(raw),
        "Snippet": text[:250],
        "Text": text,
    }
    with LOCK:
        MESSAGES.append(message)
    log(f"message {message['ID']} from {sender} to {', '.join(recipients)}: {message['Subject']}")
    return message


def address(value):
    name, addr = email.utils.parseaddr(str(value))
    return {"Name": name, "Address": addr}


def path_of(argument):
    """The address in "MAIL FROM:<a@b> SIZE=1" or "RCPT TO:<a@b>"."""
    value = argument.strip()
    if value.startswith("<"):
        return value[1:value.find(">")]
    return value.split(" ")[0]


class Smtp(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        self.reply("220 mailpit ESMTP stand-in")
        sender, recipients = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-mailpit")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 mailpit")
            elif command.upper().startswith("MAIL FROM:"):
                sender, recipients = path_of(command[10:]), []
                self.reply("250 2.1.0 Ok")
            elif command.upper().startswith("RCPT TO:"):
                recipients.append(path_of(command[8:]))
                self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    data = self.rfile.readline()
                    if not data or data in (b".\r\n", b".\n"):
                        break
                    lines.append(data[1:] if data.startswith(b"..") else data)
                message = store(sender, recipients, b"".join(lines))
                self.reply(f"250 2.0.0 Ok: queued as {message['ID']}")
                sender, recipients = None, []
            elif verb == "RSET":
                sender, recipients = None, []
                self.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Command not recognized")


def claims(authorization):
    """The JWT claims of a bearer token worth logging; the token itself is not."""
    try:
        token = authorization.split(" ", 1)[1]
        payload = token.split(".")[1]
        decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return {k: decoded.get(k) for k in ("iss", "sub", "aud", "exp")}
    except Exception:  # not a JWT: say only that a token came
        return {"opaque": True}


class Http(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def send_json(self, status, value):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def note_bearer(self):
        authorization = self.headers.get("Authorization", "")
        if authorization.lower().startswith("bearer "):
            log(f"{self.command} {self.path}: bearer token with claims "
                f"{json.dumps(claims(authorization))}")

    def do_GET(self):
        self.note_bearer()
        if self.path in ("/readyz", "/livez"):
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith("/api/v1/messages"):
            with LOCK:
                newest = list(reversed(MESSAGES))
            summaries = [{k: v for k, v in m.items() if k != "Text"} for m in newest]
            self.send_json(200, {"total": len(newest), "unread": len(newest),
                                 "messages_count": len(newest), "start": 0, "tags": [],
                                 "messages": summaries})
        elif self.path.startswith("/api/v1/message/"):
            wanted = self.path.rsplit("/", 1)[1]
            with LOCK:
                found = [m for m in MESSAGES if m["ID"] == wanted]
            if found:
                self.send_json(200, found[0])
            else:
                self.send_json(404, {"Error": "not found"})
        elif self.path == "/":
            with LOCK:
                rows = "".join(f"<li>{m['Created']} {m['From']['Address']}: {m['Subject']}</li>"
                               for m in reversed(MESSAGES))
            body = f"<!doctype html><title>Mailpit stand-in</title><ul>{rows}</ul>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_json(404, {"Error": "not found"})

    def do_POST(self):
        self.note_bearer()
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if self.path != "/api/v1/send":
            self.send_json(404, {"Error": "not found"})
            return
        try:
            request = json.loads(raw)
            sender = request["From"]["Email"]
            recipients = [r["Email"] for r in request.get("To", [])]
            if not recipients:
                raise ValueError("To is empty")
        except (ValueError, KeyError, TypeError) as e:
            self.send_json(400, {"Error": f"invalid request: {e}"})
            return
        mime = email.message.EmailMessage()
        mime["From"] = sender
        mime["To"] = ", ".join(recipients)
        mime["Subject"] = request.get("Subject", "")
        mime["Message-ID"] = email.utils.make_msgid(domain="mailpit")
        mime.set_content(request.get("Text", ""))
        message = store(sender, recipients, mime.as_bytes())
        self.send_json(200, {"ID": message["ID"]})


class SmtpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    if sys.argv[1:2] == ["readyz"]:
        try:
            with urllib.request.urlopen("http://localhost:8025/readyz", timeout=2) as r:
                sys.exit(0 if r.status == 200 else 1)
        except Exception:
            sys.exit(1)
    # PID 1 in its container: without a handler SIGTERM would be ignored until the stop timeout.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    smtp = SmtpServer(("0.0.0.0", 1025), Smtp)
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    log("SMTP listening on 0.0.0.0:1025, HTTP on 0.0.0.0:8025")
    ThreadingHTTPServer(("0.0.0.0", 8025), Http).serve_forever()


if __name__ == "__main__":
    main()
