/* fm-dataset.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the items of a dataset one at a time, for the dataset scan (CLI
 * and window) and for tests that run held-out digits through a model.
 * The kind is told by the first bytes, not the name. Four kinds:
 *
 *  - an MNIST-style IDX images file (idx3-ubyte: magic 0x00000803, then
 *    big-endian int32 N, H, W, then N * H * W unsigned bytes), plain or
 *    gzip-compressed (found from the magic bytes 1f 8b, not the name),
 *    with an optional IDX labels file (idx1-ubyte: magic 0x00000801, N,
 *    then N bytes). Items are gray H x W FmImages with the stored bytes
 *    as they are (MNIST: white strokes on black, never inverted here);
 *  - a folder of PNG and JPEG pictures, searched recursively and read in
 *    the bytewise order of their paths relative to the folder, so every
 *    machine sees the same order. Files that are not PNG or JPEG by their
 *    magic bytes (README.txt, ...) are skipped silently; a picture that
 *    cannot be decoded becomes a warning ("rel/path.png: reason") and the
 *    reading goes on. A folder without pictures is an error that names
 *    the first three reasons found while listing (a file named .png that
 *    is none, ...) and their count. When the folder's top holds no pictures but holds
 *    folders, it is a folder of class folders (ImageNet, torchvision's
 *    ImageFolder): the classes are the non-hidden top-level folders
 *    sorted bytewise (as Python sorts str), a picture's label is its
 *    class's index and fm_dataset_get_class_name() the folder's name;
 *    pictures under hidden top-level folders are left out. Otherwise
 *    folder items have no labels;
 *  - WebDataset .tar shards ("ustar" at byte 257, gzipped or not): one
 *    file, a folder whose top holds tar files and neither pictures nor
 *    folders (read in bytewise name order; its other files, a README or
 *    img2dataset's .parquet, are ignored as hidden entries are, but a file
 *    named .tar, .tar.gz or .tgz that is no tar file is an error), or
 *    "name-{000000..000099}.tar" (one range, at most 100,000 shards). Members group into samples as WebDataset
 *    groups them (key: the path up to the first dot of the base name;
 *    consecutive members with one key); a sample's picture is its .jpg,
 *    .jpeg or .png member (case-insensitive, checked by magic), its label
 *    the ASCII integer of its .cls member (else -1). Class names are NULL.
 *    Opening reads all headers (skipping the data) to count the samples;
 *    a sample without a picture is a warning at open and no item. A
 *    picture that does not decode or is above FM_DATASET_MAX_MEMBER_BYTES
 *    and a .cls that is not a class number are warnings ("shard.tar:
 *    member: reason"), the item skipped; a truncated or damaged archive
 *    is fatal, naming the shard and the member. Items are named
 *    "shard.tar:KEY";
 *  - an .npy array ("\x93NUMPY") [N, H, W] or [N, C, H, W], C = 1 or 3,
 *    little-endian uint8 (pixels) or float32/float64 (pixels in [0, 1],
 *    rounded to 8 bits; values outside are clamped, NaN is 0, and one
 *    warning counts the items that had any). Labels: a 1-D integer .npy
 *    of N class numbers (@labels_path, or found next to it by the IDX
 *    rule "images" -> "labels"); a label that is no class number is
 *    fatal at its item. Fortran order, big-endian, object, structured
 *    and channels-last arrays are refused in words.
 *
 * Streaming: pixels are read item by item (zlib's gzread for IDX, which
 * also reads plain files; libarchive for tar; pread() for .npy), never a
 * whole file, so memory stays flat however large the dataset is. Only a
 * folder's list of file names and a tar dataset's sample table (shard,
 * member, key) are held in memory.
 *
 * Threads: one FmDataset is shared by all reader threads. fm_dataset_next()
 * hands out each item index exactly once under a mutex; IDX bytes and tar
 * members are read inside the lock (the streams are sequential and the
 * copy is cheap), folder and tar pictures are decoded and .npy items read
 * outside it, so two workers work in parallel. Items therefore come back
 * in index order per thread but interleaved across threads; use the
 * index, not the arrival order. A fatal error (truncated or corrupt file)
 * is sticky: every later call returns a copy of it.
 *
 * It does not shuffle, rewind, extract archives to disk, read zip or other
 * archive formats, name .cls classes, or read IDX types other than
 * unsigned bytes.
 */
#pragma once

#include <gio/gio.h>

#include "fm-error.h"
#include "fm-image.h"
#include "fm-preprocess.h"

G_BEGIN_DECLS

/* Limits checked on the IDX header before anything is allocated. */
#define FM_DATASET_MAX_ITEMS       ((guint64) 100 * 1000 * 1000)
#define FM_DATASET_MAX_ITEM_PIXELS ((guint64) 64 * 1000 * 1000)
#define FM_DATASET_MAX_CLASSES     100000
/* The largest picture member of a .tar shard read into memory. */
#define FM_DATASET_MAX_MEMBER_BYTES ((guint64) 256 * 1024 * 1024)

typedef enum
{
  FM_DATASET_IDX,
  FM_DATASET_FOLDER,
  FM_DATASET_TAR,
  FM_DATASET_NPY,
} FmDatasetKind;

typedef struct _FmDataset FmDataset;

/* Opens @path: a tar file, a folder of tar files or brace notation is a
 * tar dataset, another folder a folder dataset, a file starting with the
 * npy magic an .npy dataset, anything else must be an IDX images file.
 * @labels_path (IDX and .npy only, may be NULL) names the labels file;
 * when NULL, a labels file next to the images is used if one exists
 * under the usual name: "images" -> "labels" and "idx3" -> "idx1" in the
 * file name (train-images-idx3-ubyte.gz -> train-labels-idx1-ubyte.gz,
 * t10k-images.idx3-ubyte -> t10k-labels.idx1-ubyte), with or without
 * ".gz"; for .npy only "images" -> "labels" (x-images.npy ->
 * x-labels.npy). The headers are checked here (magic, dims, limits, image
 * and label counts, size of a plain file); a folder is listed here, every
 * tar shard's headers read.
 * Errors, each naming the file: FM_ERROR_IO (missing, unreadable),
 * FM_ERROR_INVALID_INPUT (wrong magic, zero dims, count mismatch,
 * truncated, corrupt gzip, empty folder), FM_ERROR_LIMIT (absurd dims). */
FmDataset     *fm_dataset_open             (const char    *path,
                                            const char    *labels_path,
                                            GError       **error);
void           fm_dataset_free             (FmDataset     *dataset);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmDataset, fm_dataset_free)

FmDatasetKind  fm_dataset_get_kind         (FmDataset     *dataset);
const char    *fm_dataset_get_path         (FmDataset     *dataset);
/* The labels file in use, or NULL. */
const char    *fm_dataset_get_labels_path  (FmDataset     *dataset);
gboolean       fm_dataset_has_labels       (FmDataset     *dataset);
/* IDX, .npy: N from the header. Folder: the number of files with PNG or
 * JPEG magic; tar: the number of samples with a picture member; a picture
 * that then fails to decode is a warning, so next() may return fewer
 * items than this, and its index is never returned. */
guint64        fm_dataset_get_n_items      (FmDataset     *dataset);
/* IDX, .npy: the item size from the header. Folder, tar: 0 (pictures
 * vary). */
int            fm_dataset_get_width        (FmDataset     *dataset);
int            fm_dataset_get_height       (FmDataset     *dataset);

/* Reads the next item: *@index_out its index (0-based), *@image_out a new
 * FmImage (gray W x H for IDX), *@label_out its label or -1 if there are
 * none. Any out argument may be NULL. Returns FALSE at the end (with
 * @error untouched) or on a fatal error (set). Thread-safe. */
gboolean       fm_dataset_next             (FmDataset     *dataset,
                                            guint64       *index_out,
                                            FmImage      **image_out,
                                            int           *label_out,
                                            GError       **error);

/* The same, preprocessed for a model: writes @pp's [1, C, H, W] float
 * tensor (C * H * W floats) into @input. For IDX datasets invert AUTO is
 * taken as NO, so the model sees the stored bytes / 255 (then mean/std),
 * whatever the picture's border looks like; an explicit YES is honoured.
 * Folder pictures use @pp as it is. Preprocessing runs outside the lock. */
gboolean       fm_dataset_next_input       (FmDataset          *dataset,
                                            const FmPreprocess *pp,
                                            guint64            *index_out,
                                            float              *input,
                                            int                *label_out,
                                            GError            **error);

/* What fm_dataset_next_input () does with an item fm_dataset_next ()
 * gave (@index, @image): for a reader that preprocesses only the items it
 * wants. */
gboolean       fm_dataset_preprocess_item  (FmDataset          *dataset,
                                            const FmPreprocess *pp,
                                            guint64             index,
                                            const FmImage      *image,
                                            float              *input,
                                            GError            **error);

/* Restricts reading to the items with @begin <= index < @end (@end is
 * clamped to the number of items; @begin > @end is an empty range), for a
 * sharded scan. Call it once, before the first next(): IDX files skip the
 * bytes before @begin (decompressing them when gzipped), folders start at
 * their @begin-th picture, .npy arrays read at @begin's offset, tar
 * datasets open the shard holding sample @begin on the first next() and
 * skip the members before it (seeks in a plain tar). The end-of-file checks of an IDX file (gzip
 * trailer, trailing bytes) are made only when the range reaches its last
 * item. FM_ERROR_INVALID_INPUT naming the file when it is shorter than
 * its header says, FM_ERROR_IO when it cannot be read. */
gboolean       fm_dataset_set_range        (FmDataset     *dataset,
                                            guint64        begin,
                                            guint64        end,
                                            GError       **error);
/* Makes the next fm_dataset_next () calls hand out only the items at
 * @indexes (@n of them, increasing, each below the number of items), in
 * that order, and then end; the items between are neither read nor
 * decoded (a tar dataset seeks past their members). It may be called
 * again, whatever was read before, to read other items: the atlas reads
 * its pages' top images from one dataset opened once. For .npy arrays,
 * folders and tar datasets; FALSE for IDX files, which are read in
 * order (use a range), and not with fm_dataset_set_range (). */
gboolean       fm_dataset_select_items     (FmDataset     *dataset,
                                            const guint64 *indexes,
                                            gsize          n);
/* The range set, or [0, n_items). */
guint64        fm_dataset_get_range_begin  (FmDataset     *dataset);
guint64        fm_dataset_get_range_end    (FmDataset     *dataset);

/* Labels (fm_dataset_next()'s @label_out) are class numbers, 0 up to
 * FM_DATASET_MAX_CLASSES - 1. The name of class @label when the dataset
 * names its classes, else NULL (IDX labels are bare numbers; a label out
 * of range). The string belongs to the dataset. */
const char    *fm_dataset_get_class_name   (FmDataset     *dataset,
                                            int            label);

/* The warnings so far: those found at open first, then ("rel/path:
 * reason", "shard.tar: member: reason") sorted by item index, then for
 * .npy the count of clamped items; a new array of strings. Empty for
 * IDX. */
GPtrArray     *fm_dataset_dup_warnings     (FmDataset     *dataset);

/* The item's name for reports: its decimal index for IDX and .npy
 * ("123"), its relative path for a folder, "shard.tar:KEY" for tar; NULL
 * if @index is out of range. */
char          *fm_dataset_dup_item_name    (FmDataset     *dataset,
                                            guint64        index);

/* Which of the dataset's files a file written at @path would replace
 * (following symbolic links, as fm_file_write_atomic () does), for a
 * command that must not write over its inputs: also those it found by
 * itself (a labels file next to the images, a folder's pictures, the
 * shards of a folder or of brace notation). NONE when @path does not
 * exist: every file the dataset reads does. */
typedef enum
{
  FM_DATASET_FILE_NONE,
  FM_DATASET_FILE_IMAGES,   /* the IDX or .npy images file */
  FM_DATASET_FILE_LABELS,   /* its labels file, given or found */
  FM_DATASET_FILE_PICTURE,  /* a picture of a folder */
  FM_DATASET_FILE_SHARD,    /* a .tar shard */
} FmDatasetFile;

FmDatasetFile  fm_dataset_find_file        (FmDataset     *dataset,
                                            const char    *path);
/* Whether a PNG or JPEG picture written at @path would be one of the
 * pictures of @dataset, a folder, the next time it is opened: @path lies
 * in the folder or below it (its folders' symbolic links resolved), and
 * not under a hidden top-level folder of a folder of class folders (a
 * picture at the top of one would even make it an unlabelled folder).
 * FALSE for the other kinds. */
gboolean       fm_dataset_would_list       (FmDataset     *dataset,
                                            const char    *path);

/* A stable identity of the contents, for caching scan results: the
 * lowercase hex SHA-256 of the images file's bytes followed by the labels
 * file's bytes (IDX, .npy; as stored, compressed or not, so for an
 * unlabelled file it equals `sha256sum FILE`), or of one line
 * "relpath\tsize\tmtime" per listed picture, mtime in microseconds, after
 * one line "class\tNAME" per class folder (folder; sizes and mtimes as seen
 * when the folder was listed), or of one line "name\tsize\tmtime" per
 * shard (tar: hashing every shard's bytes would cost as much as reading
 * them, before every scan). Computed on the first call, streaming
 * in 64 KiB pieces and checking @cancellable between them; later calls
 * return the cached value. Thread-safe and does not block next(). */
char          *fm_dataset_dup_content_key  (FmDataset     *dataset,
                                            GCancellable  *cancellable,
                                            GError       **error);

G_END_DECLS
