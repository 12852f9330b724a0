/* fm-test-scan.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the scan tests share: the bundled files, and comparing two scan
 * results field by field (a JSON round trip, a merge of shards against
 * the whole scan).
 */
#pragma once

#include "fm-model.h"
#include "fm-scan.h"

G_BEGIN_DECLS

/* ThreadSanitizer runs our code some 20 times slower: there the scan tests
 * that go over the bundled digits take only their first FM_TEST_DIGITS
 * (all 2,000 elsewhere, where every count is checked in full). The threads
 * interleave the same way on fewer images. */
#if defined(__SANITIZE_THREAD__)
#define FM_TEST_DIGITS 400
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FM_TEST_DIGITS 400
#endif
#endif
#ifndef FM_TEST_DIGITS
#define FM_TEST_DIGITS 2000
#endif

/* fm_model_load_file (), fm_dataset_open () and a whole scan of the
 * dataset at @path, each asserting that it succeeds. */
FmModel      *fm_test_load_model   (const char          *path);
FmDataset    *fm_test_open_dataset (const char          *path,
                                    const char          *labels_path);
FmScanResult *fm_test_scan         (FmModel             *model,
                                    const char          *path,
                                    const FmScanOptions *options);

/* Whether item @index of a dataset read by fm_test_read_in_two_threads ()
 * holds what it should (@image, @label). */
typedef gboolean (*FmTestItemCheck) (guint64        index,
                                     const FmImage *image,
                                     int            label);
/* Reads @ds to its end from two threads at once (one FmDataset shared),
 * adding 1 to @seen[index] (atomically) for every item read. Fails the
 * test when a reader fails, or an item's index is @n or more or @check
 * (may be NULL) says no. Returns how many items the two read. */
guint64 fm_test_read_in_two_threads (FmDataset      *ds,
                                     guint64         n,
                                     gint           *seen,
                                     FmTestItemCheck check);

/* The bundled file @rel (data/@rel), which must be there. */
char *fm_test_bundled           (const char         *rel);
/* Writes the @len bytes @data to the file @name in fm_test_scratch (),
 * gzip-compressed when @gz; returns its path. */
char *fm_test_write_scratch     (const char         *name,
                                 const guint8       *data,
                                 gsize               len,
                                 gboolean            gz);
/* An idx3-ubyte file @name in fm_test_scratch (): @n items of @h x @w
 * bytes (@pixels), gzip-compressed when @gz. @stored_n is the count
 * written in the header (normally @n). */
char *fm_test_write_idx         (const char         *name,
                                 guint               n,
                                 guint               stored_n,
                                 guint               h,
                                 guint               w,
                                 const guint8       *pixels,
                                 gboolean            gz);
/* fm_test_scan () of the bundled dataset @dataset_rel by the bundled
 * model @model_rel (both as for fm_test_bundled ()). */
FmScanResult *fm_test_scan_bundled (const char          *model_rel,
                                    const char          *dataset_rel,
                                    const FmScanOptions *options);
/* Options for the in-memory models: one channel of @h x @w, input =
 * byte / 255 exactly. */
void fm_test_plain_options        (FmScanOptions      *o,
                                   int                 h,
                                   int                 w);
/* Whether @c is among the @n entries of @list (a dead, rare or near-dead
 * list). */
gboolean fm_test_list_has         (const guint        *list,
                                   guint               n,
                                   guint               c);
/* Equal, or both NaN. */
void  fm_test_assert_float_same (float               a,
                                 float               b);
/* Every field of @a equals @b's: with @merged FALSE exactly (a result
 * read back); with @merged TRUE as a merge of shards @a equals the whole
 * scan @b: the same but for the elapsed time and what says how it was
 * made (parts, shard, dataset key), the raw sums and APoZ within 1e-9
 * relative and the float means within one float rounding. */
void  fm_test_assert_scans_equal (const FmScanResult *a,
                                  const FmScanResult *b,
                                  gboolean            merged);

G_END_DECLS
