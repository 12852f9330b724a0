#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Feature Maps developers
#
# tests/data/check-msgids.py SRCDIR: runs xgettext (with the keywords of
# meson's glib preset, as po/meson.build does) over a few source files and
# checks strings an audit found wrong for translators: a line the command
# line built without gettext (run's "Input: FILE -> “input” [shape]", whose
# quotes and arrow a translation must be able to change), and a word shared
# by two sentences whose translations differ (compare's "none" said of
# channels, French "aucun", and fm-card.c's said of layers, "aucune").
# Prints TAP. The translations themselves are checked by msgfmt and the
# install test.
import os
import re
import subprocess
import sys

from tap import check, finish

src = sys.argv[1]
KEYWORDS = ['_', 'N_', 'C_:1c,2', 'NC_:1c,2', 'g_dcgettext:2', 'g_dngettext:2,3',
            'g_dpgettext2:2c,3']

# (file, msgctxt or None, msgid, present)
EXPECTED = [
    ('src/cli/fm-cli-run.c', None, '%s -> “%s” %s', True),
    ('src/cli/fm-cli-compare.c', 'channels', 'none', True),
    ('src/cli/fm-cli-compare.c', None, 'none', False),
]


def unquote(parts):
    text = ''.join(parts)
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), text)


def entries(path):
    """The (msgctxt, msgid) pairs xgettext finds in @path."""
    # With a header, so that the output is UTF-8 (without one it is ASCII).
    r = subprocess.run(['xgettext', '--from-code=UTF-8', '--language=C', '-o', '-']
                       + [f'--keyword={k}' for k in KEYWORDS] + [path],
                       cwd=src, capture_output=True, text=True, encoding='utf-8',
                       env=dict(os.environ, LC_ALL='C.UTF-8'))
    if r.returncode != 0:
        check(False, f'xgettext reads {path}', r.stderr)
        return set()
    found = set()
    ctxt, field, parts = None, None, {}
    for line in r.stdout.splitlines() + ['']:
        m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr)\s+"(.*)"$', line)
        if m:
            field = m.group(1)
            parts[field] = [m.group(2)]
        elif line.startswith('"') and field is not None:
            parts[field].append(line[1:-1])
        elif not line.strip():
            if 'msgid' in parts:
                ctxt = unquote(parts['msgctxt']) if 'msgctxt' in parts else None
                found.add((ctxt, unquote(parts['msgid'])))
            field, parts = None, {}
    return found


by_file = {}
for path, ctxt, msgid, present in EXPECTED:
    if path not in by_file:
        by_file[path] = entries(path)
    where = f'msgctxt “{ctxt}” ' if ctxt else ''
    check(((ctxt, msgid) in by_file[path]) == present,
          f'{path} {"has" if present else "has no"} {where}msgid “{msgid}”')

finish()
