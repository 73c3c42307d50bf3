"""`python -m console.users` (or `wecare user`): the console's accounts of the embedded default.
A password is read from the terminal (or standard input) and kept as an Argon2id hash only."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from console.state import ROLES, AccountError, Accounts


def parser(p: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    p = p or argparse.ArgumentParser(prog="python -m console.users", description=__doc__)
    p.add_argument("action", choices=["add", "set", "list"], help="add an account, set one's password (and "
                   "role), or list them")
    p.add_argument("username", nargs="?", default="")
    p.add_argument("--role", choices=ROLES, default="country_team")
    p.add_argument("--countries", help="a country team's countries: bd, or bd,vn")
    p.add_argument("--buyer", help="a buyer's name, as in its programmes")
    p.add_argument("--name", help="how the console greets the user")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--data-dir", default="data/stack", help="the stack's data folder (the container's: /data)")
    return p


def run(args: argparse.Namespace) -> int:
    accounts = Accounts(Path(args.data_dir) / "console" / "accounts.db")
    if args.action == "list":
        for a in accounts.all():
            print(f"{a.username:<24} {a.role:<18} {','.join(a.countries) or a.buyer or 'every country'}")
        return 0
    if not args.username:
        print("no account: username: name the user", file=sys.stderr)
        return 2
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
