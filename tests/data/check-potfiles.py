#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Feature Maps developers
#
# tests/data/check-potfiles.py SRCDIR: every file under src/ and ui/ with a
# translatable string (_ (, N_ (, C_ (, NC_ (, g_dngettext (, ngettext (,
# translatable="yes") must be listed in po/POTFILES.in, and every listed file
# must exist (xgettext fails on a missing one). Prints TAP. It only greps:
# it does not run xgettext and does not check the strings themselves.
import os
import re
import sys

from tap import check, finish

src = sys.argv[1]
C_MARK = re.compile(r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|g_dngettext|ngettext|g_dgettext|g_dpgettext2)\s*\(')
UI_MARK = re.compile(r'translatable\s*=\s*"(?:yes|true)"')

listed = set()
with open(os.path.join(src, 'po', 'POTFILES.in'), encoding='utf-8') as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith('#'):
            listed.add(line)

with_strings = []
for top in ('src', 'ui'):
    for dirpath, dirnames, filenames in os.walk(os.path.join(src, top)):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, src)
            if name.endswith(('.c', '.h')):
                mark = C_MARK
            elif name.endswith('.ui'):
                mark = UI_MARK
            else:
                continue
            with open(path, encoding='utf-8', errors='replace') as f:
                text = f.read()
            if name.endswith(('.c', '.h')):
                # Comments may mention _ ( without marking anything.
                text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
                text = re.sub(r'//[^\n]*', '', text)
            if mark.search(text):
                with_strings.append(rel)

for rel in with_strings:
    check(rel in listed, f'{rel} has translatable strings and is in po/POTFILES.in')
for rel in sorted(listed):
    check(os.path.exists(os.path.join(src, rel)), f'{rel} (listed in po/POTFILES.in) exists')

finish()
