#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Feature Maps developers
#
# tests/data/test-mime.sh MIME_XML: builds a MIME database from the
# shared-mime-info package alone and checks that *.onnx maps to
# application/x-onnx. Prints TAP. It does not touch the system database.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/mime/packages"
cp "$1" "$tmp/mime/packages/"
echo "1..2"
if update-mime-database "$tmp/mime" >"$tmp/log" 2>&1; then
  echo "ok 1 - update-mime-database accepts the package"
else
  echo "not ok 1 - update-mime-database accepts the package"; sed 's/^/# /' "$tmp/log"
fi
if grep -q '^[0-9]*:application/x-onnx:\*\.onnx$' "$tmp/mime/globs2" 2>/dev/null; then
  echo "ok 2 - *.onnx is application/x-onnx"
else
  echo "not ok 2 - *.onnx is application/x-onnx"; sed 's/^/# /' "$tmp/mime/globs2" 2>/dev/null
  exit 1
fi
