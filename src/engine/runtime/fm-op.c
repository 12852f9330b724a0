/* fm-op.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The op tables generated from fm-ops.def, and the helpers ops use in
 * prepare (attribute access, input checks, output shapes, error messages).
 * Nothing here runs during a forward pass.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-model-private.h"
#include "fm-op.h"

#define FM_OP(Name, name) #Name,
static const char * const op_names[] = {
#include "fm-ops.def"
};
#undef FM_OP

#define FM_OP(Name, name) &fm_op_##name,
static const FmOpInfo * const op_infos[] = {
#include "fm-ops.def"
};
#undef FM_OP

G_STATIC_ASSERT (G_N_ELEMENTS (op_names) == FM_N_OPS);
G_STATIC_ASSERT (G_N_ELEMENTS (op_infos) == FM_N_OPS);

const char *
fm_op_type_name (FmOpType op)
{
  if ((guint) op >= FM_N_OPS)
    return "?";
  return op_names[op];
}

const FmOpInfo *
fm_op_info_get (FmOpType op)
{
  if ((guint) op >= FM_N_OPS)
    return NULL;
  return op_infos[op];
}

const FmOpInfo *
fm_op_info_lookup (const char *op_type)
{
  for (guint i = 0; i < FM_N_OPS; i++)
    if (g_strcmp0 (op_names[i], op_type) == 0)
      return op_infos[i];
  return NULL;
}

gboolean
fm_op_fail (FmOpContext  *ctx,
            GError      **error,
            FmError       code,
            const char   *format,
            ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* Translators: the model file, a node name, the node's ONNX op name (like “Conv”) and the
     reason, which is another, separately translated message. */
  g_set_error (error, FM_ERROR, code, _("%s: node '%s' (%s): %s"),
               ctx->model->path, ctx->node->name,
               fm_op_type_name (ctx->node->op), message);
  return FALSE;
}

FmValue *
fm_op_input (FmOpContext *ctx,
             guint        i)
{
  if (i >= ctx->node->n_inputs || ctx->node->inputs[i] < 0)
    return NULL;
  return &ctx->model->values[ctx->node->inputs[i]];
}

FmValue *
fm_op_output (FmOpContext *ctx,
              guint        i)
{
  if (i >= ctx->node->n_outputs || ctx->node->outputs[i] < 0)
    return NULL;
  return &ctx->model->values[ctx->node->outputs[i]];
}

gboolean
fm_op_check_n_inputs (FmOpContext  *ctx,
                      guint         min,
                      guint         max,
                      GError      **error)
{
  guint n = ctx->node->n_inputs;

  /* Trailing omitted inputs do not count. */
  while (n > 0 && ctx->node->inputs[n - 1] < 0)
    n--;

  if (n > max)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("has %u inputs, at most %u allowed"), n, max);
  for (guint i = 0; i < min; i++)
    if (i >= n || ctx->node->inputs[i] < 0)
      return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                         _("needs at least %u inputs, input %u is missing"),
                         min, i);
  return TRUE;
}

gboolean
fm_op_check_input (FmOpContext  *ctx,
                   guint         i,
                   FmDType       dtype,
                   int           rank,
                   GError      **error)
{
  FmValue *v = fm_op_input (ctx, i);

  if (v == NULL)
    return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                       _("input %u is missing"), i);
  /* A valid model that feeds integers to a float op uses a typed variant
   * of the op that we do not implement. */
  if (v->dtype != dtype)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_OP,
                       _("input '%s' has type %s; only %s is supported here"),
                       v->name, fm_dtype_name (v->dtype), fm_dtype_name (dtype));
  if (rank >= 0 && v->shape.rank != rank)
    {
      g_autofree char *s = fm_shape_to_string (&v->shape);
      return fm_op_fail (ctx, error, FM_ERROR_SHAPE,
                         _("input '%s' has shape %s, expected rank %d"),
                         v->name, s, rank);
    }
  return TRUE;
}

const FmConstTensor *
fm_op_const_input (FmOpContext  *ctx,
                   guint         i,
                   FmDType       dtype,
                   const char   *what,
                   GError      **error)
{
  FmValue *v = fm_op_input (ctx, i);

  if (v == NULL)
    {
      fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL, _("%s (input %u) is missing"),
                  what, i);
      return NULL;
    }
  if (v->kind != FM_VALUE_CONST)
    {
      fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                  _("%s ('%s') must be known when the model loads, but it is "
                    "computed from the input"), what, v->name);
      return NULL;
    }
  if (v->dtype != dtype)
    {
      fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                  _("%s ('%s') has type %s, expected %s"), what, v->name,
                  fm_dtype_name (v->dtype), fm_dtype_name (dtype));
      return NULL;
    }
  return v->constant;
}

void
fm_op_set_output (FmOpContext   *ctx,
                  guint          i,
                  FmDType        dtype,
                  const FmShape *shape)
{
  FmValue *v = fm_op_output (ctx, i);

  if (v == NULL)
    return;
  v->dtype = dtype;
  v->shape = *shape;
}

void
fm_op_set_output_const (FmOpContext   *ctx,
                        guint          i,
                        FmConstTensor *t)
{
  FmValue *v = fm_op_output (ctx, i);

  if (v == NULL)
    {
      fm_const_tensor_free (t);
      return;
    }
  _fm_value_set_const (v, t);
}

const FmOnnxAttribute *
fm_op_attr (FmOpContext *ctx,
            const char  *name)
{
  return fm_onnx_node_get_attribute (ctx->proto, name);
}

/* Attributes of very old files may lack their type field (0); they are
 * read as the type the op asks for. */
gboolean
fm_op_attr_typed (FmOpContext            *ctx,
                  const char             *name,
                  int                     type,
                  const char             *expected,
                  const FmOnnxAttribute **a,
                  GError                **error)
{
  *a = fm_op_attr (ctx, name);
  if (*a == NULL || (*a)->type == type || (*a)->type == 0)
    return TRUE;
  return fm_op_fail (ctx, error, FM_ERROR_INVALID_MODEL,
                     /* Translators: an attribute name, the attribute's type number in
                        the file and the expected ONNX type name (INT, FLOAT, STRING,
                        INTS or FLOATS, not translated). */
                     _("attribute '%s' has type %d, expected %s"),
                     (*a)->name, (*a)->type, expected);
}

gboolean
fm_op_attr_int (FmOpContext  *ctx,
                const char   *name,
                gint64        def,
                gint64       *out,
                GError      **error)
{
  const FmOnnxAttribute *a;

  *out = def;
  if (!fm_op_attr_typed (ctx, name, FM_ONNX_ATTR_INT, "INT", &a, error))
    return FALSE;
  if (a != NULL)
    *out = a->i;
  return TRUE;
}

gboolean
fm_op_attr_float (FmOpContext  *ctx,
                  const char   *name,
                  float         def,
                  float        *out,
                  GError      **error)
{
  const FmOnnxAttribute *a;

  *out = def;
  if (!fm_op_attr_typed (ctx, name, FM_ONNX_ATTR_FLOAT, "FLOAT", &a, error))
    return FALSE;
  if (a != NULL)
    *out = a->f;
  return TRUE;
}

gboolean
fm_op_attr_string (FmOpContext  *ctx,
                   const char   *name,
                   const char   *def,
                   const char  **out,
                   GError      **error)
{
  const FmOnnxAttribute *a;

  *out = def;
  if (!fm_op_attr_typed (ctx, name, FM_ONNX_ATTR_STRING, "STRING", &a, error))
    return FALSE;
  if (a != NULL)
    *out = a->s != NULL ? a->s : "";
  return TRUE;
}

/* The values of list attribute @name (INTS or FLOATS, @type, elements of
 * @size bytes), at most @max of them, copied into @out. */
static gboolean
attr_list (FmOpContext  *ctx,
           const char   *name,
           int           type,
           gsize         size,
           gpointer      out,
           guint         max,
           guint        *n_out,
           GError      **error)
{
  const FmOnnxAttribute *a;
  GArray *list;

  *n_out = 0;
  if (!fm_op_attr_typed (ctx, name, type, type == FM_ONNX_ATTR_INTS ? "INTS" : "FLOATS", &a,
                         error))
    return FALSE;
  if (a == NULL)
    return TRUE;
  list = type == FM_ONNX_ATTR_INTS ? a->ints : a->floats;
  if (list != NULL && list->len > max)
    return fm_op_fail (ctx, error, FM_ERROR_UNSUPPORTED_ATTRIBUTE,
                       _("attribute '%s' has %u values, at most %u supported"),
                       name, list->len, max);
  if (list != NULL && list->len > 0)
    {
      memcpy (out, list->data, list->len * size);
      *n_out = list->len;
    }
  return TRUE;
}

gboolean
fm_op_attr_ints (FmOpContext  *ctx,
                 const char   *name,
                 gint64       *out,
                 guint         max,
                 guint        *n_out,
                 GError      **error)
{
  return attr_list (ctx, name, FM_ONNX_ATTR_INTS, sizeof *out, out, max, n_out, error);
}

gboolean
fm_op_attr_floats (FmOpContext  *ctx,
                   const char   *name,
                   float        *out,
                   guint         max,
                   guint        *n_out,
                   GError      **error)
{
  return attr_list (ctx, name, FM_ONNX_ATTR_FLOATS, sizeof *out, out, max, n_out, error);
}
