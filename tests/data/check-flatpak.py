#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Feature Maps developers
#
# tests/data/check-flatpak.py MANIFEST: the Flatpak manifest is valid JSON,
# names the app id of its file name, the GNOME runtime and SDK and the
# feature-maps command; every local path it names exists (relative to the
# manifest's folder); every downloaded source is pinned (sha256 for
# archives and files, a commit for git); the sandbox has no --filesystem
# and no device access (files come through the portal). Prints TAP. It does
# not run flatpak-builder and cannot tell whether a checksum is right.
import json
import os
import sys

from tap import check, finish

path = os.path.abspath(sys.argv[1])
base = os.path.dirname(path)

try:
    with open(path, encoding='utf-8') as f:
        manifest = json.load(f)
    check(True, 'the manifest is valid JSON')
except (OSError, ValueError) as e:
    check(False, f'the manifest is valid JSON ({e})')
    manifest = None

if manifest is not None:
    app_id = os.path.basename(path)[:-len('.json')]
    check(manifest.get('app-id') == app_id, f'app-id is {app_id}')
    check(manifest.get('runtime') == 'org.gnome.Platform', 'runtime is org.gnome.Platform')
    check(manifest.get('sdk') == 'org.gnome.Sdk', 'sdk is org.gnome.Sdk')
    check(bool(manifest.get('runtime-version')), 'runtime-version is set')
    check(manifest.get('command') == 'feature-maps', 'command is feature-maps')
    args = manifest.get('finish-args', [])
    check(not any(a.startswith(('--filesystem', '--device')) for a in args),
          'no --filesystem and no --device in finish-args')
    check('--socket=wayland' in args and '--socket=fallback-x11' in args,
          'finish-args give a display (wayland, fallback-x11)')

    def walk(modules, where):
        for m in modules:
            if isinstance(m, str):  # a module in its own file
                p = os.path.join(base, m)
                check(os.path.isfile(p), f'{where}: module file {m} exists')
                continue
            name = m.get('name', '?')
            for s in m.get('sources', []):
                if isinstance(s, str):
                    check(os.path.isfile(os.path.join(base, s)),
                          f'{name}: source file {s} exists')
                    continue
                kind = s.get('type')
                if 'path' in s:
                    check(os.path.exists(os.path.join(base, s['path'])),
                          f'{name}: {kind} source path {s["path"]} exists')
                if 'url' in s and kind in ('archive', 'file'):
                    sha = s.get('sha256', '')
                    check(len(sha) == 64 and all(c in '0123456789abcdef' for c in sha),
                          f'{name}: {s["url"]} is pinned by a sha256')
                if kind == 'git':
                    check(bool(s.get('commit')), f'{name}: git source pinned by a commit')
            walk(m.get('modules', []), name)

    modules = manifest.get('modules', [])
    walk(modules, 'manifest')
    last = modules[-1] if modules else {}
    dirs = [s for s in last.get('sources', []) if isinstance(s, dict) and s.get('type') == 'dir']
    check(last.get('name') == 'feature-maps' and last.get('buildsystem') == 'meson' and dirs
          and os.path.isfile(os.path.join(base, dirs[0]['path'], 'meson.build')),
          'the last module builds this repository with meson')

finish()
