#!/bin/sh
# Remakes the previous release's databases (*.sql here) with that release's code:
# a worktree of b853634, this folder's make_fixture.py run there by pytest, the dumps copied back.
#   tests/kernel/previous_release/make.sh        (from the repository, after `make setup`)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
release=${RELEASE:-b853634}
work=$(mktemp -d)
trap 'git -C "$repo" worktree remove --force "$work/tree" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$repo" worktree add --detach "$work/tree" "$release" >/dev/null
mkdir -p "$work/tree/tests/kernel/previous_release" "$work/out"
cp "$here/make_fixture.py" "$work/tree/tests/kernel/previous_release/"
touch "$work/tree/tests/kernel/previous_release/__init__.py"
cd "$work/tree"
WECARE_FIXTURE_OUT="$work/out" "$repo/.venv/bin/python" -m pytest -q -p no:cacheprovider \
  tests/kernel/previous_release/make_fixture.py
rm -f "$here"/*.sql
for f in "$work/out"/*.sql; do case "$f" in *-keys.sql) ;; *) cp "$f" "$here/" ;; esac; done  # key stores: not migrated
ls -l "$here"/*.sql
