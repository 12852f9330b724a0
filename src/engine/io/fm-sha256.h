/* fm-sha256.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SHA-256, the content key of a model's input settings, of the scan cache
 * and of a dataset. Computed by nettle, which uses the processor's SHA
 * instructions where it has them: on ResNet-18's 47 MB, 40 ms against
 * GChecksum's 123 ms, which made the window wait for the hash after the
 * model itself had loaded. The digests are the same (`sha256sum FILE`).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _FmSha256 FmSha256;

FmSha256   *fm_sha256_new         (void);
void        fm_sha256_free        (FmSha256    *sum);
/* Adds @len bytes of @data. */
void        fm_sha256_update      (FmSha256    *sum,
                                   const void  *data,
                                   gsize        len);
/* Adds the bytes of the file @path (mapped); FALSE with "PATH: REASON"
 * when it cannot be read. */
gboolean    fm_sha256_update_file (FmSha256    *sum,
                                   const char  *path,
                                   GError     **error);
/* The digest as 64 lowercase hex digits, owned by @sum; nothing can be
 * added after. */
const char *fm_sha256_get_string  (FmSha256    *sum);

/* The digest of the file @path (64 lowercase hex digits, `sha256sum
 * FILE`), remembered across runs so that an unchanged file costs a stat,
 * not a read of every byte (40 ms on ResNet-18, on a core the window's
 * first pass wants): in $XDG_CACHE_HOME/feature-maps/model-digests/, a
 * memo per absolute path holding the file's device, inode, size and
 * change times and its digest (a version control system's index trusts
 * the same). A file modified in the last two seconds is not remembered,
 * so a same-size rewrite within the clock's tick cannot pass for it. NULL
 * with "PATH: REASON" when it cannot be read; a memo that cannot be
 * written is only slower next time. */
char       *fm_sha256_file        (const char  *path,
                                   GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmSha256, fm_sha256_free)

G_END_DECLS
