/* fm-csv.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fields of the CSV files the app writes (the statistics of
 * fm-export.h, the scan of fm-scan.h), spelled one way: text quoted as
 * RFC 4180 says, numbers in the C locale so that each reads back as the
 * same float32, and NaN as an empty field, which spreadsheets and
 * pandas both read as a missing value.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @text as it is, or in double quotes with each quote doubled when it
 * holds a comma, a quote or a line break. */
void  fm_csv_append_text   (GString     *s,
                            const char  *text);

/* "%.9g" in the C locale; "inf" and "-inf" for infinities; nothing for
 * NaN. */
void  fm_csv_append_float  (GString     *s,
                            float        v);
/* ",V" for each of the @n numbers of @v: the fields after the first. */
void  fm_csv_append_floats (GString     *s,
                            const float *v,
                            guint        n);

G_END_DECLS
