/* fm-run.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One forward pass's state: the arena that holds every input and
 * activation of the model (the viewer shows them all, so nothing is
 * reused), and scratch memory for the kernels. A run belongs to one thread
 * at a time; any number of runs may share one model. Executing allocates
 * nothing.
 */
#pragma once

#include <gio/gio.h>

#include "fm-model.h"

G_BEGIN_DECLS

typedef struct _FmRun FmRun;

FmRun        *fm_run_new          (FmModel       *model,
                                   GError       **error);
void          fm_run_free         (FmRun         *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmRun, fm_run_free)

FmModel      *fm_run_get_model    (FmRun         *run);
/* Where to write input @index (model->inputs[index]) before executing. */
gpointer      fm_run_input_data   (FmRun         *run,
                                   guint          index);
/* Threads the kernels of this run may use (default 1, at most 64; fewer
 * if threads cannot start). The run owns them; they sleep between runs. */
void          fm_run_set_threads  (FmRun         *run,
                                   guint          n);
/* Runs every planned node in order; checks @cancellable between nodes and
 * then fails with G_IO_ERROR_CANCELLED. */
gboolean      fm_run_execute      (FmRun         *run,
                                   GCancellable  *cancellable,
                                   GError       **error);
/* Runs planned nodes @from to @to - 1 (positions in model->plan, @to at
 * most n_plan) the same way: a pass split in parts, for a caller that
 * looks at its state between them. Values of nodes before @from must
 * have been computed by earlier parts on this run. */
gboolean      fm_run_execute_part (FmRun         *run,
                                   guint          from,
                                   guint          to,
                                   GCancellable  *cancellable,
                                   GError       **error);
/* The data of any value (input, constant or activation) after a run;
 * NULL for a constant released at load (Conv weights, kept only packed:
 * see fm-op.h). */
gconstpointer fm_run_value_data   (FmRun         *run,
                                   int            value_id);

G_END_DECLS
