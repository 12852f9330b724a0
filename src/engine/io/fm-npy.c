/* fm-npy.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads and writes float32 tensors as NumPy .npy files (see fm-npy.h and
 * numpy/lib/format.py for the format). The header is a Python dict
 * literal; the reader accepts exactly the three keys numpy writes, with
 * the value syntax numpy and hand-written files use, and nothing else: it
 * is not a Python parser. Files are mapped, not read, so a huge file is
 * refused by its header before any memory is spent on it.
 */
#include "config.h"

#include "fm-npy.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fm-file.h"

#define NPY_MAGIC     "\x93NUMPY"
#define NPY_MAGIC_LEN 6
#define NPY_ALIGN     64
/* numpy itself refuses headers above 10000 bytes; be a little kinder. */
#define NPY_MAX_HEADER 65536

gboolean
fm_npy_has_magic (const guint8 *bytes,
                  gsize         len)
{
  return len >= NPY_MAGIC_LEN && memcmp (bytes, NPY_MAGIC, NPY_MAGIC_LEN) == 0;
}

/* ---- writing ---------------------------------------------------------- */

static gboolean
check_shape (const FmShape *shape,
             gsize         *numel,
             GError       **error)
{
  if (shape->rank < 0 || shape->rank > FM_MAX_RANK)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                   _("rank %d is outside 0..%d"), shape->rank, FM_MAX_RANK);
      return FALSE;
    }
  if (!fm_shape_numel (shape, G_MAXSIZE / sizeof (float), numel))
    {
      g_autofree char *s = fm_shape_to_string (shape);
      g_set_error (error, FM_ERROR, FM_ERROR_SHAPE,
                   _("shape %s has a negative dim or too many elements"), s);
      return FALSE;
    }
  return TRUE;
}

/* The header exactly as numpy 1.x writes it: the sorted dict with a
 * trailing ", " after each item, padded with spaces and a final '\n' so
 * that preamble + header is a multiple of 64 bytes. Like numpy, an
 * already aligned header still gets 64 bytes of padding. */
static GString *
build_header (const FmShape *shape)
{
  GString *dict = g_string_new ("{'descr': '<f4', 'fortran_order': False, 'shape': (");
  GString *out;
  gsize hlen, padlen;

  for (int i = 0; i < shape->rank; i++)
    {
      if (i > 0)
        g_string_append (dict, ", ");
      g_string_append_printf (dict, "%" G_GINT64_FORMAT, shape->dims[i]);
    }
  if (shape->rank == 1)
    g_string_append_c (dict, ',');
  g_string_append (dict, "), }");

  hlen = dict->len + 1;  /* + '\n' */
  padlen = NPY_ALIGN - ((NPY_MAGIC_LEN + 2 + 2 + hlen) % NPY_ALIGN);

  out = g_string_sized_new (NPY_MAGIC_LEN + 4 + hlen + padlen);
  g_string_append_len (out, NPY_MAGIC, NPY_MAGIC_LEN);
  g_string_append_c (out, 1);   /* major */
  g_string_append_c (out, 0);   /* minor */
  g_string_append_c (out, (char) ((hlen + padlen) & 0xff));
  g_string_append_c (out, (char) ((hlen + padlen) >> 8));
  g_string_append_len (out, dict->str, dict->len);
  for (gsize i = 0; i < padlen; i++)
    g_string_append_c (out, ' ');
  g_string_append_c (out, '\n');
  g_string_free (dict, TRUE);
  return out;
}

guint8 *
fm_npy_encode (const FmShape  *shape,
               const float    *data,
               gsize          *len_out,
               GError        **error)
{
  g_autoptr(GString) header = NULL;
  gsize numel, nbytes, total;
  guint8 *buf;

  g_return_val_if_fail (shape != NULL, NULL);
  g_return_val_if_fail (len_out != NULL, NULL);

  if (!check_shape (shape, &numel, error))
    return NULL;
  g_return_val_if_fail (numel == 0 || data != NULL, NULL);

  header = build_header (shape);
  nbytes = numel * sizeof (float);
  if (!g_size_checked_add (&total, header->len, nbytes)
      || (buf = g_try_malloc (total)) == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("cannot allocate %zu bytes for an npy file"),
                   nbytes);
      return NULL;
    }

  memcpy (buf, header->str, header->len);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  if (nbytes > 0)
    memcpy (buf + header->len, data, nbytes);
#else
  for (gsize i = 0; i < numel; i++)
    {
      guint32 u;
      memcpy (&u, &data[i], 4);
      u = GUINT32_TO_LE (u);
      memcpy (buf + header->len + 4 * i, &u, 4);
    }
#endif
  *len_out = total;
  return buf;
}

gboolean
fm_npy_write (const char     *path,
              const FmShape  *shape,
              const float    *data,
              GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree guint8 *buf = NULL;
  gsize len;

  g_return_val_if_fail (path != NULL && shape != NULL, FALSE);

  buf = fm_npy_encode (shape, data, &len, &local_error);
  if (buf == NULL)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, FM_ERROR, local_error->code, _("Could not write “%s”: %s"),
                   display, local_error->message);
      return FALSE;
    }
  return fm_file_write_atomic (path, buf, len, error);
}

/* ---- reading ---------------------------------------------------------- */

typedef struct
{
  const char *p;
  const char *end;
} Lexer;

static void
skip_space (Lexer *lx)
{
  while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t'
                             || *lx->p == '\n' || *lx->p == '\r'))
    lx->p++;
}

static gboolean
accept (Lexer *lx,
        char   c)
{
  skip_space (lx);
  if (lx->p < lx->end && *lx->p == c)
    {
      lx->p++;
      return TRUE;
    }
  return FALSE;
}

/* A '...' or "..." literal of UTF-8 without escapes; NULL if there is
 * none. */
static char *
parse_string (Lexer *lx)
{
  char quote;
  const char *start;

  skip_space (lx);
  if (lx->p >= lx->end || (*lx->p != '\'' && *lx->p != '"'))
    return NULL;
  quote = *lx->p++;
  start = lx->p;
  while (lx->p < lx->end && *lx->p != quote)
    {
      if (*lx->p == '\\' || *lx->p == '\n')
        return NULL;
      lx->p++;
    }
  if (lx->p >= lx->end)
    return NULL;
  lx->p++;
  /* numpy writes ASCII; other bytes would end up in messages. */
  if (!g_utf8_validate (start, lx->p - 1 - start, NULL))
    return NULL;
  return g_strndup (start, lx->p - 1 - start);
}

static gboolean
parse_word (Lexer      *lx,
            const char *word)
{
  gsize n = strlen (word);

  skip_space (lx);
  if ((gsize) (lx->end - lx->p) >= n && memcmp (lx->p, word, n) == 0)
    {
      lx->p += n;
      return TRUE;
    }
  return FALSE;
}

/* "(2, 3)", "(5,)", "()"; Python 2 files may write "2L". */
static gboolean
parse_shape (Lexer   *lx,
             FmShape *shape,
             GError **error,
             const char *name)
{
  shape->rank = 0;
  if (!accept (lx, '('))
    goto bad;
  if (accept (lx, ')'))
    return TRUE;
  for (;;)
    {
      gint64 v = 0;
      gboolean digits = FALSE;

      skip_space (lx);
      while (lx->p < lx->end && g_ascii_isdigit (*lx->p))
        {
          int d = *lx->p - '0';
          if (v > (G_MAXINT64 - d) / 10)
            {
              g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                           _("%s: npy shape has a dimension that does not fit in 64 bits"),
                           name);
              return FALSE;
            }
          v = v * 10 + d;
          digits = TRUE;
          lx->p++;
        }
      if (!digits)
        goto bad;
      if (lx->p < lx->end && *lx->p == 'L')
        lx->p++;
      if (shape->rank == FM_MAX_RANK)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                       _("%s: npy shape has more than %d dimensions"),
                       name, FM_MAX_RANK);
          return FALSE;
        }
      shape->dims[shape->rank++] = v;
      if (accept (lx, ')'))
        {
          /* "(5)" is an int in Python, not a tuple. */
          if (shape->rank == 1)
            goto bad;
          return TRUE;
        }
      if (!accept (lx, ','))
        goto bad;
      if (accept (lx, ')'))
        return TRUE;
    }

bad:
  g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
               _("%s: npy header has a malformed 'shape' (expected a tuple of integers)"),
               name);
  return FALSE;
}

/* The dtypes the readers know, by their 'descr' (numpy writes '|u1' and
 * '|i1' for bytes; '<u1' is accepted too). */
static const struct
{
  const char *descr;
  FmNpyDtype  dtype;
  gsize       size;
} npy_dtypes[] = {
  { "<f4", FM_NPY_F4, 4 }, { "<f8", FM_NPY_F8, 8 },
  { "|u1", FM_NPY_U1, 1 }, { "<u1", FM_NPY_U1, 1 }, { "|i1", FM_NPY_I1, 1 },
  { "<i1", FM_NPY_I1, 1 }, { "<u2", FM_NPY_U2, 2 }, { "<i2", FM_NPY_I2, 2 },
  { "<u4", FM_NPY_U4, 4 }, { "<i4", FM_NPY_I4, 4 }, { "<u8", FM_NPY_U8, 8 },
  { "<i8", FM_NPY_I8, 8 },
};

const char *
fm_npy_dtype_name (FmNpyDtype dtype)
{
  for (gsize i = 0; i < G_N_ELEMENTS (npy_dtypes); i++)
    if (npy_dtypes[i].dtype == dtype)
      return npy_dtypes[i].descr;
  return "?";
}

/* The value of 'descr', one of npy_dtypes; anything else is refused in
 * words (big-endian, Python objects, structured records). */
static gboolean
parse_descr (Lexer       *lx,
             const char  *name,
             FmNpyHeader *header,
             GError     **error)
{
  g_autofree char *descr = parse_string (lx);

  if (descr == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: unsupported npy dtype (a structured or non-string "
                     "'descr'); only plain numbers are read"),
                   name);
      return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (npy_dtypes); i++)
    if (strcmp (descr, npy_dtypes[i].descr) == 0)
      {
        header->dtype = npy_dtypes[i].dtype;
        header->item_size = npy_dtypes[i].size;
        return TRUE;
      }
  if (descr[0] == '>')
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 _("%s: npy dtype '%s' is big-endian; save the array as "
                   "little-endian (numpy: a.astype(a.dtype.newbyteorder('<')))"),
                 name, descr);
  else if (descr[0] == '|' && descr[1] == 'O')
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 _("%s: npy dtype '%s' holds Python objects, which are never read; "
                   "save an array of numbers"), name, descr);
  else
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 _("%s: unsupported npy dtype '%s'"), name, descr);
  return FALSE;
}

static gboolean
parse_header (const char  *text,
              gsize        len,
              const char  *name,
              FmNpyHeader *header,
              GError     **error)
{
  Lexer lx = { text, text + len };
  gboolean have_descr = FALSE, have_order = FALSE, have_shape = FALSE;

  if (!accept (&lx, '{'))
    goto bad;

  while (!accept (&lx, '}'))
    {
      g_autofree char *key = parse_string (&lx);

      if (key == NULL || !accept (&lx, ':'))
        goto bad;

      if (strcmp (key, "descr") == 0 && !have_descr)
        {
          if (!parse_descr (&lx, name, header, error))
            return FALSE;
          have_descr = TRUE;
        }
      else if (strcmp (key, "fortran_order") == 0 && !have_order)
        {
          if (parse_word (&lx, "True"))
            {
              g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                           _("%s: npy data in Fortran order is not supported; "
                             "save a C-ordered array"), name);
              return FALSE;
            }
          if (!parse_word (&lx, "False"))
            goto bad;
          have_order = TRUE;
        }
      else if (strcmp (key, "shape") == 0 && !have_shape)
        {
          if (!parse_shape (&lx, &header->shape, error, name))
            return FALSE;
          have_shape = TRUE;
        }
      else
        {
          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("%s: npy header has an unexpected or repeated key '%s'"),
                       name, key);
          return FALSE;
        }

      if (accept (&lx, '}'))
        break;
      if (!accept (&lx, ','))
        goto bad;
    }

  skip_space (&lx);
  if (lx.p != lx.end)
    goto bad;
  if (!have_descr || !have_order || !have_shape)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: npy header lacks '%s'"), name,
                   !have_descr ? "descr" : !have_order ? "fortran_order" : "shape");
      return FALSE;
    }
  return TRUE;

bad:
  g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
               _("%s: malformed npy header (byte %zu of the header)"),
               name, (gsize) (lx.p - text));
  return FALSE;
}

/* The magic, the version and the header length: *@preamble gets the bytes
 * before the header (10 for format 1.0, 12 for 2.0), *@hlen its length. */
static gboolean
parse_preamble (const guint8  *bytes,
                gsize          len,
                const char    *name,
                gsize         *preamble,
                gsize         *hlen,
                GError       **error)
{
  if (!fm_npy_has_magic (bytes, len) || len < 8)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: not an npy file (no \\x93NUMPY magic)"), name);
      return FALSE;
    }
  if (bytes[6] == 1 && bytes[7] == 0)
    *preamble = 10;
  else if (bytes[6] == 2 && bytes[7] == 0)
    *preamble = 12;
  else
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: npy format version %u.%u is not supported (only 1.0 and 2.0)"),
                   name, bytes[6], bytes[7]);
      return FALSE;
    }
  if (len < *preamble)
    goto truncated;
  *hlen = bytes[8] | ((gsize) bytes[9] << 8);
  if (*preamble == 12)
    *hlen |= ((gsize) bytes[10] << 16) | ((gsize) bytes[11] << 24);

  if (*hlen > NPY_MAX_HEADER)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("%s: npy header of %zu bytes is above the "
                     "limit of %d"), name, *hlen, NPY_MAX_HEADER);
      return FALSE;
    }
  if (len - *preamble < *hlen)
    goto truncated;
  return TRUE;

truncated:
  g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
               _("%s: npy file is truncated inside its header"), name);
  return FALSE;
}

/* The data of @shape must fit in @max_bytes and be exactly @data_len
 * bytes; *@nbytes gets their size. */
static gboolean
check_data_size (const FmShape  *shape,
                 gsize           data_len,
                 gsize           max_bytes,
                 const char     *name,
                 gsize          *nbytes,
                 GError        **error)
{
  g_autofree char *s = fm_shape_to_string (shape);
  gsize numel;

  if (!fm_shape_numel (shape, max_bytes / sizeof (float), &numel))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("%s: npy shape %s is above the limit of %zu"
                     " bytes"), name, s, max_bytes);
      return FALSE;
    }
  *nbytes = numel * sizeof (float);
  if (data_len != *nbytes)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: npy data is %zu bytes but shape %s of "
                     "float32 needs %zu"),
                   name, data_len, s, *nbytes);
      return FALSE;
    }
  return TRUE;
}

gboolean
fm_npy_parse_header (const guint8  *bytes,
                     gsize          len,
                     const char    *name,
                     FmNpyHeader   *header,
                     GError       **error)
{
  gsize preamble, hlen;

  g_return_val_if_fail (bytes != NULL || len == 0, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (header != NULL, FALSE);

  memset (header, 0, sizeof *header);
  if (!parse_preamble (bytes, len, name, &preamble, &hlen, error)
      || !parse_header ((const char *) bytes + preamble, hlen, name, header, error))
    return FALSE;
  header->data_offset = preamble + hlen;
  return TRUE;
}

float *
fm_npy_parse (const guint8   *bytes,
              gsize           len,
              const char     *name,
              FmShape        *shape_out,
              gsize           max_bytes,
              GError        **error)
{
  FmNpyHeader header;
  gsize nbytes;
  const guint8 *src;
  float *data;

  g_return_val_if_fail (bytes != NULL || len == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (shape_out != NULL, NULL);

  if (max_bytes == 0)
    max_bytes = FM_NPY_DEFAULT_MAX_BYTES;
  if (!fm_npy_parse_header (bytes, len, name, &header, error))
    return NULL;
  if (header.dtype != FM_NPY_F4)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: unsupported npy dtype '%s'; only little-endian "
                     "float32 '<f4' is read"),
                   name, fm_npy_dtype_name (header.dtype));
      return NULL;
    }
  if (!check_data_size (&header.shape, len - header.data_offset, max_bytes, name, &nbytes,
                        error))
    return NULL;

  data = g_try_malloc (MAX (nbytes, 1));
  if (data == NULL)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("%s: cannot allocate %zu bytes"), name, nbytes);
      return NULL;
    }
  src = bytes + header.data_offset;
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  if (nbytes > 0)
    memcpy (data, src, nbytes);
#else
  for (gsize i = 0; i < nbytes / 4; i++)
    {
      guint32 u;
      memcpy (&u, src + 4 * i, 4);
      u = GUINT32_FROM_LE (u);
      memcpy (&data[i], &u, 4);
    }
#endif
  *shape_out = header.shape;
  return data;
}

float *
fm_npy_read (const char     *path,
             FmShape        *shape_out,
             gsize           max_bytes,
             GError        **error)
{
  g_autoptr(GMappedFile) mapped = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  mapped = fm_file_map (path, error);
  if (mapped == NULL)
    return NULL;
  return fm_npy_parse ((const guint8 *) g_mapped_file_get_contents (mapped),
                       g_mapped_file_get_length (mapped), path, shape_out,
                       max_bytes, error);
}
