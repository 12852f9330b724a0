/* fm-model-build-private.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The state of one model being built, shared by fm-model-build.c (the
 * values: initializers, inputs, outputs) and fm-model-plan.c (the nodes
 * and the arena).
 */
#pragma once

#include "fm-model-private.h"

G_BEGIN_DECLS

typedef struct
{
  FmModel              *model;
  const FmOnnxModel    *proto;
  const FmModelOptions *options;
  const char           *base_dir;
  GHashTable           *value_ids;     /* name -> id + 1 */
  GArray               *values;        /* FmValue, moved into model at the end */
  gsize                 budget;
  gsize                 used;          /* weights + activations so far */
  gboolean              drop_source;   /* the bytes are a private file mapping */
} FmModelBuilder;

#define BUILDER_VALUE(b, id) (&g_array_index ((b)->values, FmValue, (id)))

/* Counts @bytes against the memory budget; FM_ERROR_LIMIT naming @what. */
gboolean _fm_model_budget_take        (FmModelBuilder  *b,
                                       gsize            bytes,
                                       const char      *what,
                                       GError         **error);
/* The id of value @name, or -1. */
int      _fm_model_builder_lookup     (FmModelBuilder  *b,
                                       const char      *name);
/* A new value @name (no kind, no shape yet); -1 if the name is taken. */
int      _fm_model_builder_add_value  (FmModelBuilder  *b,
                                       const char      *name,
                                       GError         **error);

/* fm-model-plan.c: the nodes in order, prepared and folded, then the
 * plan of the nodes left and the arena. */
gboolean _fm_model_add_nodes          (FmModelBuilder  *b,
                                       GError         **error);
gboolean _fm_model_plan               (FmModelBuilder  *b,
                                       GError         **error);

G_END_DECLS
