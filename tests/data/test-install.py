#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Feature Maps developers
#
# tests/data/test-install.py SRCDIR: configures the source tree into a
# temporary build folder with a temporary --prefix, builds only what is
# installed, runs `meson install`, and checks the installed app: every file
# in its place, `feature-maps run` on the installed bundled model and digit
# with the source tree out of reach (FEATURE_MAPS_DATADIR unset, run from
# the temporary folder, and with the installed models moved away it must
# fail rather than fall back to the checkout), German and French output
# under LANGUAGE=de / LANGUAGE=fr from the installed .mo files, and a
# second install with DESTDIR. Prints TAP. It does not test the window.
import json
import os
import shutil
import subprocess
import sys
import tempfile

from tap import check, finish

src = os.path.abspath(sys.argv[1])
APP_ID = 'io.github.featuremaps.FeatureMaps'


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


# The files `meson install` must put under the prefix.
EXPECTED = [
    'bin/feature-maps',
    'share/feature-maps/models/mnist-cnn.onnx',
    'share/feature-maps/models/mnist-cnn-dying.onnx',
    'share/feature-maps/digits/digit-7.png',
    'share/feature-maps/digits/mnist-heldout-images-idx3-ubyte.gz',
    'share/feature-maps/digits/mnist-heldout-labels-idx1-ubyte.gz',
    f'share/applications/{APP_ID}.desktop',
    f'share/metainfo/{APP_ID}.metainfo.xml',
    f'share/mime/packages/{APP_ID}.xml',
    f'share/icons/hicolor/scalable/apps/{APP_ID}.svg',
    f'share/icons/hicolor/symbolic/apps/{APP_ID}-symbolic.svg',
    f'share/glib-2.0/schemas/{APP_ID}.gschema.xml',
    'share/locale/de/LC_MESSAGES/feature-maps.mo',
    'share/locale/fr/LC_MESSAGES/feature-maps.mo',
]

tmp = tempfile.mkdtemp(prefix='fm-install-')
try:
    build = os.path.join(tmp, 'build')
    prefix = os.path.join(tmp, 'prefix')
    env = dict(os.environ)
    # Nothing may point the installed app back at the source tree.
    for var in ('FEATURE_MAPS_DATADIR', 'GSETTINGS_SCHEMA_DIR', 'MESON_DEVENV'):
        env.pop(var, None)

    r = run(['meson', 'setup', build, src, f'--prefix={prefix}', '--libdir=lib',
             '-Dbuildtype=debug', '-Db_sanitize=none'], env=env)
    if not check(r.returncode == 0, 'meson setup with a temporary prefix', r.stdout + r.stderr):
        finish()

    # Build what is installed, not the tests.
    r = run(['meson', 'introspect', '--targets', build], env=env)
    targets = json.loads(r.stdout)
    outputs = sorted({os.path.relpath(f, build)
                      for t in targets if t.get('installed')
                      for f in t['filename']})
    r = run(['nice', 'ninja', '-C', build, '-j', '2'] + outputs, env=env)
    if not check(r.returncode == 0, f'build the {len(outputs)} installed outputs',
                 r.stdout + r.stderr):
        finish()

    r = run(['meson', 'install', '-C', build, '--no-rebuild', '--quiet'], env=env)
    if not check(r.returncode == 0, 'meson install into the prefix', r.stdout + r.stderr):
        finish()
    for rel in EXPECTED:
        check(os.path.isfile(os.path.join(prefix, rel)), f'installed {rel}')
    check(os.path.isfile(os.path.join(prefix, 'share/glib-2.0/schemas/gschemas.compiled')),
          'the post-install step compiled the installed schemas')

    exe = os.path.join(prefix, 'bin', 'feature-maps')
    pkgdata = os.path.join(prefix, 'share', 'feature-maps')
    digit = os.path.join(pkgdata, 'digits', 'digit-7.png')
    run_env = dict(env, LC_ALL='C.UTF-8', LANGUAGE='')
    # From the temporary folder, so a relative path cannot reach the checkout.
    r = run([exe, 'run', 'mnist-cnn', digit, '--json'], env=run_env, cwd=tmp)
    if check(r.returncode == 0, 'installed `feature-maps run mnist-cnn digit-7.png --json` exits 0',
             r.stdout + r.stderr):
        out = json.loads(r.stdout)
        model = os.path.realpath(out['model'])
        check(model == os.path.realpath(os.path.join(pkgdata, 'models', 'mnist-cnn.onnx')),
              'the bundled model came from the installed PKGDATADIR', f'model: {model}')
        # digit-7.png is MNIST held-out digit labelled 7 (build-aux/train-mnist.py).
        top = out['prediction']['top'][0]
        check(top['label'] == '7', 'the installed model reads the installed 7 as 7', r.stdout)

    # Without the installed models the installed binary must fail, not use data/.
    hidden = os.path.join(tmp, 'models-hidden')
    shutil.move(os.path.join(pkgdata, 'models'), hidden)
    r = run([exe, 'run', 'mnist-cnn', digit], env=run_env, cwd=tmp)
    shutil.move(hidden, os.path.join(pkgdata, 'models'))
    check(r.returncode == 1 and 'not found' in r.stderr
          and os.path.join(src, 'data') not in r.stderr,
          'with its models removed the installed binary fails and never looks in the source tree',
          f'exit {r.returncode}\n{r.stdout}{r.stderr}')

    # Translations from the installed .mo files. "Prediction (output ...)"
    # in German is "Vorhersage (Ausgabe ...)", in French "Prédiction (sortie ...)".
    for lang, word in (('de', 'Vorhersage (Ausgabe'), ('fr', 'Prédiction (sortie')):
        r = run([exe, 'run', 'mnist-cnn', digit], env=dict(run_env, LANGUAGE=lang), cwd=tmp)
        check(r.returncode == 0 and word in r.stdout,
              f'LANGUAGE={lang} `feature-maps run` prints “{word}”', r.stdout + r.stderr)
    r = run([exe, 'run', 'mnist-cnn', digit], env=run_env, cwd=tmp)
    check(r.returncode == 0 and 'Prediction (output' in r.stdout,
          'with no LANGUAGE the output stays English', r.stdout + r.stderr)
    # The engine's own reasons are translated too: libpng's read callback
    # once said "the file is truncated" in English inside a German sentence.
    cut = os.path.join(tmp, 'cut.png')
    with open(digit, 'rb') as f_in, open(cut, 'wb') as f_out:
        f_out.write(f_in.read()[:60])
    r = run([exe, 'run', 'mnist-cnn', cut], env=dict(run_env, LANGUAGE='de'), cwd=tmp)
    check(r.returncode == 1 and 'die Datei ist abgeschnitten' in r.stderr
          and 'truncated' not in r.stderr,
          'LANGUAGE=de: a truncated PNG is "abgeschnitten", in German throughout', r.stderr)

    # DESTDIR: the same files under DESTDIR + prefix.
    dest = os.path.join(tmp, 'dest')
    r = run(['meson', 'install', '-C', build, '--no-rebuild', '--quiet', '--destdir', dest],
            env=env)
    if check(r.returncode == 0, 'meson install with DESTDIR', r.stdout + r.stderr):
        staged = dest + prefix
        missing = [rel for rel in EXPECTED if not os.path.isfile(os.path.join(staged, rel))]
        check(not missing, 'DESTDIR holds every installed file under the prefix',
              'missing: ' + ', '.join(missing))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
finish()
