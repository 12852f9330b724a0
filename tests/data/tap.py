# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Feature Maps developers
#
# tests/data/tap.py: what the data checks share. check() records one
# result (with an optional detail shown as TAP comments when it fails);
# finish() prints the plan and the results as TAP and exits 1 when any
# failed, 0 otherwise.
import sys

results = []


def check(ok, what, detail=''):
    results.append((bool(ok), what, detail))
    return ok


def finish():
    print(f'1..{len(results)}')
    failed = 0
    for i, (ok, what, detail) in enumerate(results, 1):
        print(f'{"ok" if ok else "not ok"} {i} - {what}')
        if not ok and detail:
            for line in detail.strip().splitlines()[-40:]:
                print(f'# {line}')
        failed += not ok
    sys.exit(1 if failed else 0)
