"""`python -m console.users` (or `wecare user`): the console's accounts of the embedded default.
A password is read from the terminal (or standard input) and kept as an Argon2id hash only.
`device USERNAME --label "Rafi's phone"` makes a phone's key and prints its server URL and the QR code
ODK Collect or KoboCollect scans (the key is shown once; only its SHA-256 is kept); `devices USERNAME`
lists a user's phones, `revoke USERNAME --key-id ID` revokes one."""

from __future__ import annotations

import argparse
import getpass
import os
import socket
import sys
from pathlib import Path

from console.state import ROLES, AccountError, Accounts


def parser(p: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    p = p or argparse.ArgumentParser(prog="python -m console.users", description=__doc__)
    p.add_argument("action", choices=["add", "set", "list", "device", "devices", "revoke"],
                   help="add an account, set one's password (and role), or list them; make a phone's key (device), "
                        "list a user's phones (devices), revoke one (revoke)")
    p.add_argument("username", nargs="?", default="")
    p.add_argument("--role", choices=ROLES, default="country_team")
    p.add_argument("--countries", help="a country team's countries: bd, or bd,vn")
    p.add_argument("--buyer", help="a buyer's name, as in its programmes")
    p.add_argument("--name", help="how the console greets the user")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--data-dir", default="data/stack", help="the stack's data folder (the container's: /data)")
    p.add_argument("--label", default="", help="device: the phone's name, e.g. \"Rafi's phone\"")
    p.add_argument("--server", default="", help="device: the console's address as the phone reaches it (default: "
                   "WECARE_PUBLIC_URL, else http://<this computer's network address>:8100)")
    p.add_argument("--key-id", default="", help="revoke: the key's id (wecare user devices USERNAME)")
    return p


def lan_address() -> str:
    """This computer's address on its network (the interface of the default route; nothing is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def _device(accounts: Accounts, args: argparse.Namespace) -> int:
    from console.phones import print_qr, server_url, settings_payload

    try:
        key = accounts.new_device_key(args.username, args.label)
    except AccountError as e:
        print(f"no key: {e.field}: {e}", file=sys.stderr)
        return 2
    base = args.server or os.environ.get("WECARE_PUBLIC_URL", "") or f"http://{lan_address()}:8100"
    url = server_url(base, key)
    payload = settings_payload(url, f"WeCare Ops · {args.username}")
    print(f"{args.username}: a key for {' '.join(args.label.split())!r} (shown once: only its hash is kept)")
    print(f"path:       /key/{key}")
    print(f"server URL: {url}")
    print(f"QR payload: {payload}")
    print("scan with ODK Collect or KoboCollect (Add project, then Configure with QR code):")
    print_qr(payload, sys.stdout)
    return 0


def run(args: argparse.Namespace) -> int:
    accounts = Accounts(Path(args.data_dir) / "console" / "accounts.db")
    if args.action == "list":
        for a in accounts.all():
            print(f"{a.username:<24} {a.role:<18} {','.join(a.countries) or a.buyer or 'every country'}")
        return 0
    if not args.username:
        print("no account: username: name the user", file=sys.stderr)
        return 2
    if args.action == "device":
        return _device(accounts, args)
    if args.action == "devices":
        for d in accounts.device_keys(args.username):
            print(f"{d.key_id}  {d.created_at}  last used {d.last_used_at or 'never':<25}  {d.label}")
        return 0
    if args.action == "revoke":
        if not accounts.revoke_device_key(args.username, args.key_id):
            print(f"no key: key_id: {args.username} has no key {args.key_id!r}", file=sys.stderr)
            return 2
        print(f"{args.username}: key {args.key_id} revoked")
        return 0
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass(
        f"password for {args.username}: ")
    try:
        a = accounts.add(args.username, password, args.role,
                         tuple(args.countries.split(",")) if args.countries else (), args.buyer, args.name or "",
                         replace=args.action == "set")
    except AccountError as e:
        print(f"no account: {e.field}: {e}", file=sys.stderr)
        return 2
    print(f"{a.username}: {a.role}, {','.join(a.countries) or a.buyer or 'every country'}")
    return 0


if __name__ == "__main__":
    sys.exit(run(parser().parse_args()))
