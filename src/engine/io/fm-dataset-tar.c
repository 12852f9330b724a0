/* fm-dataset-tar.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * WebDataset-style .tar shards (see fm-dataset.h), read with libarchive,
 * never extracted. Opening reads every shard's headers once, skipping the
 * data (a seek per member for a plain tar; a .tar.gz is decompressed), to
 * group the members into samples and count them; the sample table (shard,
 * first member, member count, key) is the only thing held per item.
 * Reading walks the shards again in order under the lock, copying a
 * sample's image and .cls bytes out of the archive; the picture is decoded
 * outside the lock.
 *
 * Grouping follows WebDataset (webdataset/tariterators.py): a member's key
 * is its path up to the first dot of its base name, its extension the rest
 * (lowercased); consecutive members with the same key make one sample;
 * members whose base name has no dot and entries that are not regular
 * files are skipped. A sample never spans two shards.
 */
#include "config.h"

#include <errno.h>
#include <archive.h>
#include <archive_entry.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fm-dataset-private.h"
#include "fm-file.h"

/* Limits: checked before anything is allocated. */
#define MAX_SHARDS        100000
#define MAX_KEY_BYTES     ((guint64) 1 << 30)
#define MAX_CLS_BYTES     64
#define BLOCK_SIZE        (64 * 1024)

typedef struct
{
  char    *path;
  char    *name;       /* base name, for messages */
  guint64  size;
  gint64   mtime_us;
  guint64  dev;
  guint64  ino;
} TarShard;

typedef struct
{
  guint32  shard;
  guint32  member;     /* index of its first member in the shard */
  guint32  n_members;  /* members from its first to its last */
  guint64  key;        /* offset of its key in keys */
} TarSample;

struct _FmDatasetTar
{
  GArray          *shards;   /* TarShard */
  GArray          *samples;  /* TarSample */
  GString         *keys;     /* NUL-separated */

  /* Reading, under the dataset's lock. */
  struct archive  *ar;
  guint32          ar_shard;
  guint32          ar_member; /* members read from ar so far */
};

/* Member names are bytes; messages and reports are UTF-8. */
static char *
shown (const char *name)
{
  return g_utf8_make_valid (name != NULL ? name : "?", -1);
}

gboolean
_fm_dataset_is_tar_head (const guint8 *head,
                         gsize         len)
{
  return len >= 262 && memcmp (head + 257, "ustar", 5) == 0;
}

static void
shard_clear (gpointer data)
{
  TarShard *shard = data;

  g_free (shard->path);
  g_free (shard->name);
}

void
_fm_dataset_tar_free (FmDatasetTar *tar)
{
  if (tar->ar != NULL)
    archive_read_free (tar->ar);
  g_array_unref (tar->shards);
  g_array_unref (tar->samples);
  g_string_free (tar->keys, TRUE);
  g_free (tar);
}

/* ---- which paths are shards ------------------------------------------- */

/* Whether @head, the first @len bytes of @path, begin a tar archive,
 * plain or gzipped (a .tar.gz shard: the tar header is inside the gzip
 * stream). */
static gboolean
is_tar_head (const char   *path,
             const guint8 *head,
             gsize         len)
{
  guint8 inner[512];
  gzFile gz;
  int n;

  if (_fm_dataset_is_tar_head (head, len))
    return TRUE;
  if (len < 2 || head[0] != 0x1f || head[1] != 0x8b || (gz = gzopen (path, "rb")) == NULL)
    return FALSE;
  n = gzread (gz, inner, sizeof inner);
  gzclose (gz);
  return n > 0 && _fm_dataset_is_tar_head (inner, (gsize) n);
}

static gboolean
is_shard_file (const char *path)
{
  guint8 head[512];
  gsize len = 0;

  return fm_file_read_head (path, head, sizeof head, &len, NULL) && is_tar_head (path, head, len);
}

/* How a shard's name ends (in any case). */
static const char * const shard_suffixes[] = { ".tar", ".tar.gz", ".tgz", NULL };

/* What the entry @full of a folder is, for telling a folder of shards. */
typedef enum
{
  ENTRY_OTHER,    /* a README, img2dataset's .parquet and _stats.json: ignored */
  ENTRY_SHARD,    /* a tar file, gzipped or not */
  ENTRY_NO_SHARD, /* a picture or a folder: a folder of pictures */
} EntryKind;

static EntryKind
shard_folder_entry (const char *full)
{
  guint8 head[512];
  gsize len = 0;

  if (g_file_test (full, G_FILE_TEST_IS_DIR))
    return ENTRY_NO_SHARD;
  if (!fm_file_read_head (full, head, sizeof head, &len, NULL))
    return ENTRY_OTHER;
  if (fm_image_has_magic (head, len))
    return ENTRY_NO_SHARD;
  return is_tar_head (full, head, len) ? ENTRY_SHARD : ENTRY_OTHER;
}

/* The tar files of folder @path, sorted bytewise, when its top holds
 * some and neither a picture nor a folder (hidden entries ignored); its
 * other files are ignored, as WebDataset users keep a README or
 * img2dataset's .parquet and _stats.json files beside the shards. NULL
 * when it is no folder of shards; NULL with @error when it holds more
 * than MAX_SHARDS, or a file named as a shard (.tar, .tar.gz, .tgz) that
 * is no tar file: a shard left out without a word would be worse. */
static GPtrArray *
list_shard_folder (const char  *path,
                   GError     **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *misnamed = NULL;
  const char *name;
  GDir *dir = g_dir_open (path, 0, NULL);

  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *full = g_build_filename (path, name, NULL);
      EntryKind kind = name[0] == '.' ? ENTRY_OTHER : shard_folder_entry (full);

      if (kind == ENTRY_NO_SHARD)
        {
          g_dir_close (dir);
          return NULL;
        }
      if (kind == ENTRY_SHARD)
        {
          g_ptr_array_add (files, g_steal_pointer (&full));
          if (files->len > MAX_SHARDS)
            break;   /* one too many: the rest need not be read */
        }
      else if (name[0] != '.' && _fm_dataset_named_as (name, shard_suffixes) && misnamed == NULL)
        misnamed = g_steal_pointer (&full);
    }
  g_dir_close (dir);
  if (files->len == 0)
    return NULL;
  if (misnamed != NULL || files->len > MAX_SHARDS)
    {
      if (misnamed != NULL)
        g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                     _("%s: not a tar file, in a folder of shards"), misnamed);
      else
        g_set_error (error, FM_ERROR, FM_ERROR_LIMIT, _("%s: more than %d shards"), path,
                     MAX_SHARDS);
      return NULL;
    }
  g_ptr_array_sort (files, _fm_dataset_compare_strings);
  return g_steal_pointer (&files);
}

/* Expands one brace range "{A..B}" of decimal numbers in @path, as
 * WebDataset users write shard lists ("shard-{000000..000099}.tar"):
 * numbers are zero-padded to the width of A. NULL without error when
 * @path has no range. */
static GPtrArray *
expand_braces (const char  *path,
               GError     **error)
{
  const char *open = strchr (path, '{');
  const char *dots = open != NULL ? strstr (open, "..") : NULL;
  const char *close = dots != NULL ? strchr (dots, '}') : NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  GPtrArray *out;
  guint64 a, b;

  if (close == NULL)
    return NULL;
  first = g_strndup (open + 1, dots - open - 1);
  last = g_strndup (dots + 2, close - dots - 2);
  if (!g_ascii_string_to_unsigned (first, 10, 0, G_MAXUINT32, &a, NULL)
      || !g_ascii_string_to_unsigned (last, 10, 0, G_MAXUINT32, &b, NULL)
      || strchr (close, '{') != NULL || a > b || b - a >= MAX_SHARDS)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: no such file, and not one range of shards “{A..B}” with A ≤ B "
                     "and at most %d shards"), path, MAX_SHARDS);
      return NULL;
    }
  out = g_ptr_array_new_with_free_func (g_free);
  for (guint64 i = a; i <= b; i++)
    g_ptr_array_add (out, g_strdup_printf ("%.*s%0*" PRIu64 "%s", (int) (open - path), path,
                                           (int) strlen (first), i, close + 1));
  return out;
}

/* The shard files @path stands for, or NULL (not shards, or an error). */
static GPtrArray *
find_shards (const char  *path,
             GError     **error)
{
  g_autoptr(GPtrArray) files = NULL;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return list_shard_folder (path, error);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (!is_shard_file (path))
        return NULL;
      files = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (files, g_strdup (path));
      return g_steal_pointer (&files);
    }
  files = expand_braces (path, error);
  if (files == NULL)
    return NULL;
  for (guint i = 0; i < files->len; i++)
    if (!is_shard_file (files->pdata[i]))
      {
        g_set_error (error, FM_ERROR, FM_ERROR_IO,
                     g_file_test (files->pdata[i], G_FILE_TEST_EXISTS)
                     ? _("%s: not a tar file (from %s)") : _("%s: no such file (from %s)"),
                     (char *) files->pdata[i], path);
        return NULL;
      }
  return g_steal_pointer (&files);
}

gboolean
_fm_dataset_tar_detect (const char  *path,
                        GPtrArray  **shards,
                        GError     **error)
{
  GError *local_error = NULL;
  g_autoptr(GPtrArray) files = find_shards (path, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (files == NULL && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: no such file or folder"), path);
      return FALSE;
    }
  *shards = g_steal_pointer (&files);
  return TRUE;
}

/* ---- the first pass: samples ------------------------------------------ */

static struct archive *
open_archive (const TarShard  *shard,
              GError         **error)
{
  struct archive *ar = archive_read_new ();

  archive_read_support_format_tar (ar);
  archive_read_support_filter_gzip (ar);
  if (archive_read_open_filename (ar, shard->path, BLOCK_SIZE) != ARCHIVE_OK)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot open: %s"),
                   shard->path, archive_error_string (ar));
      archive_read_free (ar);
      return NULL;
    }
  return ar;
}

/* Splits @member into its key and lowercased extension, as WebDataset
 * does; FALSE when its base name has no dot. */
static gboolean
split_member (const char  *member,
              char       **key,
              char       **ext)
{
  const char *slash = strrchr (member, '/');
  const char *dot = strchr (slash != NULL ? slash + 1 : member, '.');

  if (dot == NULL || dot == (slash != NULL ? slash + 1 : member))
    return FALSE;
  *key = g_strndup (member, dot - member);
  *ext = g_ascii_strdown (dot + 1, -1);
  return TRUE;
}

static gboolean
is_image_ext (const char *ext)
{
  return strcmp (ext, "jpg") == 0 || strcmp (ext, "jpeg") == 0 || strcmp (ext, "png") == 0;
}

/* The sample being grouped while listing a shard. */
typedef struct
{
  char     *key;
  guint32   member;
  guint32   n_members;
  gboolean  has_image;
  gboolean  has_cls;
} Pending;

/* Ends @p: a sample with a picture becomes an item, one without a
 * warning. */
static gboolean
finish_sample (FmDataset      *ds,
               const TarShard *shard,
               guint32         shard_index,
               Pending        *p,
               GError        **error)
{
  FmDatasetTar *tar = ds->tar;
  TarSample sample;

  if (p->key == NULL)
    return TRUE;
  if (!p->has_image)
    {
      g_autofree char *key = shown (p->key);

      g_ptr_array_add (ds->list_warnings,
                       /* Translators: the shard file, then the sample's key. */
                       g_strdup_printf (_("%s: %s: no .jpg, .jpeg or .png member; skipped"),
                                        shard->name, key));
    }
  else if (tar->samples->len >= FM_DATASET_MAX_ITEMS
           || tar->keys->len + strlen (p->key) + 1 > MAX_KEY_BYTES)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_LIMIT,
                   _("%s: more than %" PRIu64 " samples or 1 GiB of names"),
                   ds->path, FM_DATASET_MAX_ITEMS);
      return FALSE;
    }
  else
    {
      sample.shard = shard_index;
      sample.member = p->member;
      sample.n_members = p->n_members;
      sample.key = tar->keys->len;
      g_string_append_len (tar->keys, p->key, strlen (p->key) + 1);
      g_array_append_val (tar->samples, sample);
      ds->has_labels = ds->has_labels || p->has_cls;
    }
  g_clear_pointer (&p->key, g_free);
  return TRUE;
}

/* Adds the member @index of a shard, @name, to the sample being grouped. */
static gboolean
group_member (FmDataset      *ds,
              const TarShard *shard,
              guint32         shard_index,
              Pending        *p,
              guint32         index,
              const char     *name,
              GError        **error)
{
  g_autofree char *key = NULL;
  g_autofree char *ext = NULL;

  if (!split_member (name, &key, &ext))
    return TRUE;
  if (p->key == NULL || strcmp (p->key, key) != 0)
    {
      if (!finish_sample (ds, shard, shard_index, p, error))
        return FALSE;
      memset (p, 0, sizeof *p);
      p->key = g_steal_pointer (&key);
      p->member = index;
    }
  p->n_members = index - p->member + 1;
  p->has_image = p->has_image || is_image_ext (ext);
  p->has_cls = p->has_cls || strcmp (ext, "cls") == 0;
  return TRUE;
}

/* "SHARD: after MEMBER: REASON" or "SHARD: REASON" for a libarchive
 * failure. */
static void
set_archive_error (GError         **error,
                   const TarShard  *shard,
                   const char      *last_member,
                   struct archive  *ar)
{
  g_autofree char *reason = shown (archive_error_string (ar) != NULL
                                   ? archive_error_string (ar) : _("damaged archive"));
  g_autofree char *member = last_member != NULL ? shown (last_member) : NULL;

  if (member != NULL)
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 /* Translators: the shard file, the last member read, libarchive's reason. */
                 _("%s: damaged or truncated after member %s: %s"),
                 shard->path, member, reason);
  else
    g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                 _("%s: damaged or truncated tar archive: %s"), shard->path, reason);
}

static gboolean
list_shard (FmDataset  *ds,
            guint32     shard_index,
            GError    **error)
{
  const TarShard *shard = &g_array_index (ds->tar->shards, TarShard, shard_index);
  struct archive *ar = open_archive (shard, error);
  struct archive_entry *entry;
  g_autofree char *last = NULL;
  Pending p = { 0 };
  guint32 index = 0;
  int r;

  if (ar == NULL)
    return FALSE;
  while ((r = archive_read_next_header (ar, &entry)) == ARCHIVE_OK || r == ARCHIVE_WARN)
    {
      const char *name = archive_entry_pathname (entry);

      if (index == G_MAXUINT32)
        break;
      g_free (last);
      last = g_strdup (name != NULL ? name : "?");
      if (name != NULL && archive_entry_filetype (entry) == AE_IFREG
          && !group_member (ds, shard, shard_index, &p, index, name, error))
        break;
      index++;
      if (archive_read_data_skip (ar) != ARCHIVE_OK)
        {
          r = ARCHIVE_FATAL;
          break;
        }
    }
  if (r != ARCHIVE_EOF && (error == NULL || *error == NULL))
    set_archive_error (error, shard, last, ar);
  if (r == ARCHIVE_EOF && !finish_sample (ds, shard, shard_index, &p, error))
    r = ARCHIVE_FATAL;
  g_free (p.key);
  archive_read_free (ar);
  return r == ARCHIVE_EOF;
}

gboolean
_fm_dataset_tar_open (FmDataset  *ds,
                      GPtrArray  *files,
                      GError    **error)
{
  FmDatasetTar *tar;

  ds->tar = tar = g_new0 (FmDatasetTar, 1);
  tar->shards = g_array_new (FALSE, TRUE, sizeof (TarShard));
  g_array_set_clear_func (tar->shards, shard_clear);
  tar->samples = g_array_new (FALSE, FALSE, sizeof (TarSample));
  tar->keys = g_string_new (NULL);
  ds->list_warnings = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < files->len; i++)
    {
      TarShard shard = { 0 };
      GStatBuf st;

      if (g_stat (files->pdata[i], &st) != 0)
        {
          g_set_error (error, FM_ERROR, FM_ERROR_IO, _("%s: cannot open: %s"),
                       (char *) files->pdata[i], g_strerror (errno));
          return FALSE;
        }
      shard.path = g_strdup (files->pdata[i]);
      shard.name = g_path_get_basename (shard.path);
      shard.size = (guint64) st.st_size;
      shard.mtime_us = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
      shard.dev = (guint64) st.st_dev;
      shard.ino = (guint64) st.st_ino;
      g_array_append_val (tar->shards, shard);
      if (!list_shard (ds, i, error))
        return FALSE;
    }
  if (tar->samples->len == 0)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                   _("%s: no samples with a .jpg, .jpeg or .png member"), ds->path);
      return FALSE;
    }
  ds->n_items = tar->samples->len;
  ds->range_end = ds->n_items;
  return TRUE;
}

/* ---- reading ---------------------------------------------------------- */

char *
_fm_dataset_tar_dup_item_name (FmDataset *ds,
                               guint64    index)
{
  const TarSample *sample = &g_array_index (ds->tar->samples, TarSample, index);
  const TarShard *shard = &g_array_index (ds->tar->shards, TarShard, sample->shard);

  g_autofree char *key = shown (ds->tar->keys->str + sample->key);

  return g_strdup_printf ("%s:%s", shard->name, key);
}

gboolean
_fm_dataset_tar_has_file (FmDataset      *ds,
                          const GStatBuf *st)
{
  for (guint i = 0; i < ds->tar->shards->len; i++)
    {
      const TarShard *shard = &g_array_index (ds->tar->shards, TarShard, i);

      if (shard->dev == (guint64) st->st_dev && shard->ino == (guint64) st->st_ino)
        return TRUE;
    }
  return FALSE;
}

char *
_fm_dataset_tar_dup_listing (FmDataset *ds)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < ds->tar->shards->len; i++)
    {
      const TarShard *shard = &g_array_index (ds->tar->shards, TarShard, i);

      g_string_append_printf (out, "%s\t%" G_GUINT64_FORMAT "\t%" G_GINT64_FORMAT "\n",
                              shard->name, shard->size, shard->mtime_us);
    }
  return g_string_free (out, FALSE);
}

/* What the reader copied out of the archive for one sample. */
typedef struct
{
  guint8  *image;
  gsize    image_len;
  char    *image_member;
  char     cls[MAX_CLS_BYTES + 1];
  gboolean has_cls;
  char    *problem;     /* a warning instead of an item */
} SampleBytes;

static void
sample_bytes_clear (SampleBytes *b)
{
  g_free (b->image);
  g_free (b->image_member);
  g_free (b->problem);
}

/* Copies @len bytes of the current member's data into @buf. */
static gboolean
read_data (struct archive  *ar,
           gsize            len,
           guint8          *buf)
{
  gsize done = 0;

  while (done < len)
    {
      la_ssize_t n = archive_read_data (ar, buf + done, len - done);

      if (n <= 0)
        return FALSE;
      done += (gsize) n;
    }
  return TRUE;
}

/* Puts ar at member @member of shard @shard (opening it, skipping the
 * members before it). Under the lock. */
static gboolean
seek_member (FmDataset  *ds,
             guint32     shard,
             guint32     member,
             GError    **error)
{
  FmDatasetTar *tar = ds->tar;
  const TarShard *s = &g_array_index (tar->shards, TarShard, shard);
  struct archive_entry *entry;

  if (tar->ar != NULL && (tar->ar_shard != shard || tar->ar_member > member))
    g_clear_pointer (&tar->ar, archive_read_free);
  if (tar->ar == NULL)
    {
      tar->ar = open_archive (s, error);
      if (tar->ar == NULL)
        return FALSE;
      tar->ar_shard = shard;
      tar->ar_member = 0;
    }
  while (tar->ar_member < member)
    {
      int r = archive_read_next_header (tar->ar, &entry);

      if ((r != ARCHIVE_OK && r != ARCHIVE_WARN) || archive_read_data_skip (tar->ar) != ARCHIVE_OK)
        {
          set_archive_error (error, s, NULL, tar->ar);
          return FALSE;
        }
      tar->ar_member++;
    }
  return TRUE;
}

/* Reads the current member's data for @b if it is the sample's picture
 * or .cls, else skips it. Under the lock. */
static gboolean
take_member (FmDataset             *ds,
             const TarShard        *shard,
             struct archive_entry  *entry,
             const char            *ext,
             SampleBytes           *b,
             GError               **error)
{
  struct archive *ar = ds->tar->ar;
  g_autofree char *name = shown (archive_entry_pathname (entry));
  gint64 size = archive_entry_size (entry);
  gboolean ok = TRUE;

  if (is_image_ext (ext) && b->image_member == NULL && b->problem == NULL)
    {
      b->image_member = g_strdup (name);   /* already shown () */
      if (size < 0 || (guint64) size > FM_DATASET_MAX_MEMBER_BYTES)
        b->problem = g_strdup_printf (_("%s: %s: %" PRId64 " bytes, above the limit of %"
                                        PRIu64 " bytes for a picture"), shard->name, name,
                                      size, FM_DATASET_MAX_MEMBER_BYTES);
      else
        {
          b->image_len = (gsize) size;
          b->image = g_try_malloc (MAX (b->image_len, 1));
          if (b->image == NULL)
            b->problem = g_strdup_printf (_("%s: %s: cannot allocate %" PRIu64 " bytes"),
                                          shard->name, name, (guint64) size);
          else
            ok = read_data (ar, b->image_len, b->image);
        }
    }
  else if (strcmp (ext, "cls") == 0 && !b->has_cls && b->problem == NULL)
    {
      b->has_cls = TRUE;
      if (size < 0 || size > MAX_CLS_BYTES)
        b->problem = g_strdup_printf (_("%s: %s: %" PRId64 " bytes, too long for a class "
                                        "number"), shard->name, name, size);
      else
        {
          ok = read_data (ar, (gsize) size, (guint8 *) b->cls);
          b->cls[size] = '\0';
        }
    }
  if (ok && archive_read_data_skip (ar) != ARCHIVE_OK)
    ok = FALSE;
  if (!ok)
    set_archive_error (error, shard, name, ar);
  return ok;
}

/* Copies sample @index's picture and .cls out of the archive. Under the
 * lock. */
static gboolean
read_sample (FmDataset    *ds,
             guint64       index,
             SampleBytes  *b,
             GError      **error)
{
  FmDatasetTar *tar = ds->tar;
  const TarSample *sample = &g_array_index (tar->samples, TarSample, index);
  const TarShard *shard = &g_array_index (tar->shards, TarShard, sample->shard);
  const char *key = tar->keys->str + sample->key;

  if (!seek_member (ds, sample->shard, sample->member, error))
    return FALSE;
  for (guint32 i = 0; i < sample->n_members; i++)
    {
      struct archive_entry *entry;
      g_autofree char *member_key = NULL;
      g_autofree char *ext = NULL;
      int r = archive_read_next_header (tar->ar, &entry);
      const char *name;

      if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
        {
          set_archive_error (error, shard, key, tar->ar);
          return FALSE;
        }
      tar->ar_member++;
      name = archive_entry_pathname (entry);
      if (name == NULL || archive_entry_filetype (entry) != AE_IFREG
          || !split_member (name, &member_key, &ext))
        {
          if (archive_read_data_skip (tar->ar) != ARCHIVE_OK)
            {
              set_archive_error (error, shard, name, tar->ar);
              return FALSE;
            }
          continue;
        }
      if (strcmp (member_key, key) != 0)
        {
          g_autofree char *member = shown (name);

          g_set_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT,
                       _("%s: member %s is not where it was when the shard was opened; "
                         "was the file changed?"), shard->path, member);
          return FALSE;
        }
      if (!take_member (ds, shard, entry, ext, b, error))
        return FALSE;
    }
  return TRUE;
}

/* The label in a .cls member: an ASCII integer, spaces around it. */
static gboolean
parse_cls (const char *text,
           int        *label)
{
  g_autofree char *s = g_strstrip (g_strdup (text));
  guint64 v;

  if (!g_ascii_string_to_unsigned (s, 10, 0, FM_DATASET_MAX_CLASSES - 1, &v, NULL))
    return FALSE;
  *label = (int) v;
  return TRUE;
}

/* Decodes @b outside the lock: an image, or a warning in b->problem. */
static FmImage *
decode_sample (FmDataset          *ds,
               guint64             index,
               SampleBytes        *b,
               int                *label)
{
  FmDatasetTar *tar = ds->tar;
  const TarSample *sample = &g_array_index (tar->samples, TarSample, index);
  const TarShard *shard = &g_array_index (tar->shards, TarShard, sample->shard);
  g_autofree char *where = g_strdup_printf ("%s: %s", shard->name, b->image_member);
  g_autoptr(GError) error = NULL;
  FmImage *image;

  *label = -1;
  if (b->problem != NULL)
    return NULL;
  if (b->has_cls && !parse_cls (b->cls, label))
    {
      g_autofree char *text = g_strescape (b->cls, NULL);
      g_autofree char *key = shown (tar->keys->str + sample->key);

      b->problem = g_strdup_printf (_("%s: %s.cls: “%s” is not a class number (0 to %d)"),
                                    shard->name, key, text, FM_DATASET_MAX_CLASSES - 1);
      return NULL;
    }
  if (!fm_image_has_magic (b->image, b->image_len))
    {
      b->problem = g_strdup_printf (_("%s: not a JPEG or PNG picture"), where);
      return NULL;
    }
  image = fm_image_load_bytes (b->image, b->image_len, where, 0, &error);
  if (image == NULL)
    b->problem = g_strdup (error->message);
  return image;
}

gboolean
_fm_dataset_tar_next (FmDataset  *ds,
                      guint64    *index_out,
                      FmImage   **image_out,
                      int        *label_out,
                      GError    **error)
{
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      SampleBytes b = { 0 };
      FmImage *image;
      guint64 index;
      int label;

      /* The shards are read in order: under the lock. */
      g_mutex_lock (&ds->lock);
      if (!_fm_dataset_take_index_locked (ds, &index, error))
        {
          g_mutex_unlock (&ds->lock);
          return FALSE;
        }
      if (!read_sample (ds, index, &b, &local_error))
        {
          ds->failed = g_error_copy (local_error);
          g_propagate_error (error, g_steal_pointer (&local_error));
          g_mutex_unlock (&ds->lock);
          sample_bytes_clear (&b);
          return FALSE;
        }
      g_mutex_unlock (&ds->lock);

      image = decode_sample (ds, index, &b, &label);
      if (image != NULL)
        {
          sample_bytes_clear (&b);
          return _fm_dataset_hand_out (index, image, label, index_out, image_out, label_out);
        }
      _fm_dataset_add_warning (ds, index, g_steal_pointer (&b.problem));
      sample_bytes_clear (&b);
    }
}
