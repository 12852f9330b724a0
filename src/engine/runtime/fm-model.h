/* fm-model.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A loaded, checked, immutable model. Loading decodes the file
 * (fm-onnx-proto.c), converts initializers to float32/int64, binds graph
 * inputs, sorts the nodes (Kahn), lets every op check its attributes and
 * infer its output shapes, folds everything whose inputs are known at load
 * (the Shape -> Gather -> Concat -> Reshape glue of PyTorch exports), and
 * plans one arena that holds every activation of a run. All checking
 * happens here; fm-run.c then only computes.
 *
 * The struct is public for reading; never modify a loaded model. It is
 * reference counted and may be shared by any number of threads, each with
 * its own FmRun.
 */
#pragma once

#include <glib.h>

#include "fm-error.h"
#include "fm-onnx-proto.h"
#include "fm-tensor.h"

G_BEGIN_DECLS

typedef enum
{
  FM_VALUE_INPUT,      /* a real graph input, written by the caller per run */
  FM_VALUE_CONST,      /* initializer or folded at load */
  FM_VALUE_ACTIVATION, /* computed by a planned node each run */
} FmValueKind;

typedef struct
{
  char          *name;
  FmValueKind    kind;
  FmDType        dtype;
  FmShape        shape;
  gsize          numel;
  FmConstTensor *constant;  /* kind == FM_VALUE_CONST */
  gsize          offset;    /* INPUT/ACTIVATION: byte offset in the run arena */
  int            producer;  /* node index, -1 for inputs and initializers */
} FmValue;

#define FM_OP(Name, name) FM_OP_##Name,
typedef enum
{
#include "fm-ops.def"
  FM_N_OPS
} FmOpType;
#undef FM_OP

typedef struct
{
  char          *name;      /* node name, or "<op_type>_<index>" if unnamed */
  FmOpType       op;
  int            opset;     /* opset version of the default domain */
  guint          n_inputs;
  int           *inputs;    /* value ids; -1 for an omitted optional input */
  guint          n_outputs;
  int           *outputs;   /* value ids; -1 for an omitted optional output */
  gpointer       params;    /* op-specific, built by the op's prepare */
  GDestroyNotify free_params;
  gboolean       folded;    /* computed once at load; not in the plan */
  /* Transpose only (n_perm 0 for every other op): output axis d is input
   * axis perm[d], from the checked attribute or its default (reversed
   * axes). Kept for fm-layout.c, which follows channel axes. */
  guint          n_perm;
  guint8         perm[FM_MAX_RANK];
} FmNode;

typedef struct
{
  gsize        memory_budget;   /* weights + activations; 0 = default (4 GiB) */
  FmOnnxLimits limits;          /* zero-initialised fields take defaults */
  /* Graph inputs bound to known data (name -> FmConstTensor*, borrowed):
   * they become constants. Used by tests whose shape inputs are inputs. */
  GHashTable  *bind_inputs;
  /* Size for symbolic spatial dims of a rank-4 input (0 = refuse). */
  gint64       default_height;
  gint64       default_width;
} FmModelOptions;

typedef struct _FmModel FmModel;

struct _FmModel
{
  /*< private >*/
  gint         ref_count;
  /*< public, read-only >*/
  char        *path;            /* as given, used in messages */
  char        *display_name;    /* path's file name in UTF-8 (U+FFFD for other bytes) */
  char        *producer_name;
  char        *producer_version;
  gint64       ir_version;
  gint64       opset;           /* default-domain opset */
  GHashTable  *metadata;        /* metadata_props, char* -> char* */
  GPtrArray   *external_files;  /* char*: the external data files read, each once */

  guint        n_values;
  FmValue     *values;
  guint        n_nodes;
  FmNode      *nodes;           /* topologically sorted */
  guint        n_plan;
  guint       *plan;            /* node indexes run per forward pass, in order */
  guint        n_inputs;
  int         *inputs;          /* value ids of the real inputs */
  guint        n_outputs;
  int         *outputs;         /* value ids of the graph outputs */

  gsize        arena_size;      /* bytes of one run's arena */
  gsize        scratch_size;    /* bytes of one run's scratch buffer */
  gsize        weights_size;    /* bytes held by constants */
  gboolean     sized_by_default; /* a symbolic height and width of the input took
                                  * FmModelOptions' default_height and _width */
};

/* The height and width the window and `inspect` give an input whose
 * height and width are symbolic (an export with dynamic axes), when no
 * picture gives them: ImageNet's. */
#define FM_MODEL_DEFAULT_SIDE 224

void       fm_model_options_init (FmModelOptions       *options);

/* When the bytes cannot be decoded (or are empty, or hold no graph), the
 * error message is two lines: a sentence naming the file that makes sense
 * alone ("FILE is not an ONNX model", "FILE is truncated: 1.2 MB of at
 * least 3.4 MB", "FILE is a damaged ONNX model", "FILE is too large or too
 * complex to open"), then after the '\n' the technical detail (the field
 * path and byte offset). Other errors are one line, "FILE: REASON". */
FmModel   *fm_model_load_file    (const char           *path,
                                  const FmModelOptions *options,
                                  GError              **error);
/* @name is used in messages; @base_dir resolves external data (NULL
 * refuses external data). */
FmModel   *fm_model_load_bytes   (const guint8         *data,
                                  gsize                 len,
                                  const char           *name,
                                  const char           *base_dir,
                                  const FmModelOptions *options,
                                  GError              **error);
FmModel   *fm_model_ref          (FmModel              *model);
void       fm_model_unref        (FmModel              *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmModel, fm_model_unref)

const char *fm_op_type_name      (FmOpType              op);
int         fm_model_find_value  (const FmModel        *model,
                                  const char           *name);
/* The operations of one pass that are multiply-adds, 2 each, from the
 * shapes: Conv (per output element C / group * kh * kw, the weight's size
 * over its first dim), ConvTranspose (per input element M / group * kh *
 * kw, likewise), Gemm (per output element K, the size of B over N) and
 * MatMul (per output element K, A's last dim). Activations, pooling,
 * additions and the like are left out, as GFLOP/s figures usually do.
 * `bench` reports GFLOP/s from it; the window picks its thread count by
 * it. */
double      fm_model_multiply_add_flops (const FmModel *model);

const char *fm_model_get_metadata (const FmModel       *model,
                                   const char           *key);

G_END_DECLS
