/* fm-scan.h
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dataset scan: runs every item of a dataset (fm-dataset.h) through a
 * model and counts, for every channel of every feature-map layer
 * (fm_layers_list (model, FALSE), so result layer i is entry i of that
 * list), how often it fires, to tell a channel that is quiet for one
 * input (normal) from one that is zero for every input (dead), and why a
 * dead one is dead. Shared by `feature-maps scan` and the window.
 *
 * Zero means |x| <= epsilon everywhere in the image (a NaN fires, as in
 * fm-stats.h). Top-k ties go to the smaller index, so a result does not
 * depend on thread timing. Results are immutable and reference counted.
 * It does not keep per-image values or batch images (models are loaded
 * with batch 1).
 *
 * The tiers, from the counts:
 * - dead: zero for every scanned image, which is exactly APoZ 100 %;
 * - rare: fires (is not all zero) on fewer than rare_below of the images;
 * - near-dead: APoZ (Hu et al. 2016, "Network Trimming": the share of
 *   zero cells, |x| <= epsilon, NaN not zero, over all images and
 *   positions) above the layer's mean APoZ + 1 standard deviation, the
 *   paper's pruning criterion. Mean and standard deviation are over all
 *   the layer's channels, dead ones included (as in the paper), and the
 *   standard deviation is the population one (divided by C, not C - 1).
 *   A dead channel is dead, never near-dead; a channel can be both rare
 *   and near-dead. Beyond the paper, a near-dead channel must also be
 *   zero on at least half of its cells (FM_SCAN_NEAR_DEAD_MIN_APOZ): in a
 *   layer before its activation (a Conv output) almost every APoZ is 0,
 *   and one at 0.001 % would otherwise stand above mean + std.
 * A layer warns (dead_warning) when 10 % or more of its channels are
 * dead, the threshold of Keras's dead-ReLU detector.
 *
 * What "dead" can promise: a channel that fires on a share p of such
 * inputs goes unseen over N images with probability (1 - p)^N, so one
 * that fires on more than 1 - 0.05^(1/N) of them (about the rule of
 * three's 3/N) would have shown with 95 % confidence
 * (fm_scan_result_dead_bound ()).
 *
 * Per-class fire counts, when items have labels (fm_dataset_next_input's
 * label_out): per channel and class the images of that class on which
 * the channel fired. n_classes is 1 + the largest label seen; unlabelled
 * items (label -1) count in no class. The scan keeps one shared table of
 * guint32 counts per class seen, each as long as the model's channels in
 * all scanned layers, updated with atomic adds (no per-thread copies):
 * 4 bytes x channels x classes, e.g. 104 MB for ResNet-50 (~26,000
 * channels) on ImageNet (1,000 classes), and as much again while the
 * result is made.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fm-dataset.h"
#include "fm-model.h"
#include "fm-preprocess.h"

G_BEGIN_DECLS

#define FM_SCAN_MAX_TOP_K   100
#define FM_SCAN_MAX_THREADS 64
#define FM_SCAN_MAX_SHARDS  100000
/* A Conv channel whose weights all have |w| at or below this has collapsed. */
#define FM_SCAN_WEIGHT_COLLAPSED 1e-6f
/* The least APoZ of a near-dead channel (see above). */
#define FM_SCAN_NEAR_DEAD_MIN_APOZ 0.5

typedef struct
{
  /* How items become model inputs. channels == 0 (what
   * fm_scan_options_init leaves) means: the model's defaults
   * (fm_preprocess_init_defaults), as the window and the command line
   * start. */
  FmPreprocess preprocess;
  guint        threads;     /* worker threads; 0 = 2 */
  guint64      limit;       /* scan items with index < limit; 0 = all */
  guint        top_k;       /* 0..FM_SCAN_MAX_TOP_K; default 9 */
  double       rare_below;  /* share of images; default 0.01 */
  float        epsilon;     /* |x| <= epsilon is zero; default 0 */
  /* Shard K of N (K from 1): only the items of the K-th of N contiguous
   * ranges of the first `limit` items (all without a limit), items
   * [floor(m * (K - 1) / N), floor(m * K / N)) of m. shard_count 0 (what
   * fm_scan_options_init leaves): not sharded. */
  guint        shard_index;
  guint        shard_count;
} FmScanOptions;

typedef enum
{
  FM_SCAN_DIAGNOSIS_NONE,                  /* not dead */
  FM_SCAN_DIAGNOSIS_WEIGHTS_COLLAPSED,     /* its Conv weights are all ~0 */
  FM_SCAN_DIAGNOSIS_INPUTS_DEAD,           /* every input channel it reads is dead */
  FM_SCAN_DIAGNOSIS_BIAS_NEGATIVE,         /* largest pre-activation <= 0 */
  FM_SCAN_DIAGNOSIS_NEVER_ABOVE_THRESHOLD, /* none of the above */
} FmScanDiagnosis;

typedef struct
{
  char            *name;               /* tensor name */
  char            *op;                 /* op name of its node ("Relu") */
  guint            channels;           /* C */
  guint64         *zero_count;         /* [C] images that left it all zero */
  guint64         *fire_count;         /* [C] images - zero_count */
  float           *max;                /* [C] largest value; NaN if none */
  float           *mean;               /* [C] mean over all cells; NaN if none */
  float           *pre_activation_max; /* [C] or NULL when the entry has none */
  float           *bias;               /* [C] or NULL when there is no constant bias */
  float           *weight_max_abs;     /* [C] largest |w| of its Conv, or NULL */
  FmScanDiagnosis *diagnosis;          /* [C] */
  gint64          *top_index;          /* [C * top_k] image indexes, -1 = empty */
  float           *top_max;            /* [C * top_k] their maxima, NaN = empty */
  guint            n_dead;
  guint           *dead;               /* [n_dead] channel indexes, ascending */
  guint            n_rare;
  guint           *rare;               /* [n_rare] channel indexes, ascending */
  /* The measures practitioners use, and the raw sums an exact merge of
   * shards needs. NULL / NaN in a result read from a file of before
   * they were kept. */
  guint64          cells_per_image;    /* H * W positions per image; 0 unknown */
  guint64         *zero_cells;         /* [C] cells at zero over all images, or NULL */
  guint64         *value_count;        /* [C] cells that were numbers (not NaN), or NULL */
  double          *sum;                /* [C] their sum, or NULL */
  double          *apoz;               /* [C] zero_cells / (images * cells_per_image),
                                        * NaN unknown; or NULL */
  double           apoz_mean;          /* over the channels; NaN unknown */
  double           apoz_std;           /* population standard deviation; NaN unknown */
  guint            n_near_dead;
  guint           *near_dead;          /* [n_near_dead] channel indexes, ascending */
  gboolean         dead_warning;       /* n_dead >= 10 % of channels */
  guint32         *class_fire_count;   /* [C * n_classes] images per class it fired on,
                                        * channel-major; NULL without labels */
} FmScanLayer;

typedef struct
{
  /*< private >*/
  gint         ref_count;
  /*< public, read-only >*/
  char        *model_path;
  char        *dataset_path;
  guint64      images;      /* images scanned */
  guint64      total;       /* images the scan meant to cover */
  gboolean     partial;     /* cancelled or stopped by an error */
  guint        top_k;
  double       rare_below;
  float        epsilon;
  double       elapsed;     /* seconds the scan took */
  char       **warnings;    /* unreadable folder items, NULL-terminated */
  char        *model_sha256; /* fm_scan_model_sha256 () of the model scanned, or NULL
                              * (a result written before it was kept) */
  char        *preprocess;  /* fm_scan_preprocess_text () of the settings, or NULL */
  guint        n_layers;
  FmScanLayer *layers;      /* [n_layers], fm_layers_list (model, FALSE) order */
  /* What merging the parts of a sharded scan checks (fm_scan_result_merge).
   * A result written before they were kept has no dataset_key and reads
   * as a scan of all its dataset's `total` items. */
  char        *dataset_key;   /* fm_dataset_dup_content_key () of the dataset, or NULL */
  guint64      dataset_items; /* items in the whole dataset */
  guint64      limit;         /* the scan's limit; 0 = all */
  guint64      range_begin;   /* the items scanned: indexes [range_begin, range_end) */
  guint64      range_end;
  guint        shard_index;   /* K of a scan of shard K/N, or 0 */
  guint        shard_count;   /* N, or 0 */
  guint        parts;         /* the parts a merged result was made of, or 0 */
  guint        n_classes;   /* 1 + the largest label seen; 0 without labels */
  char       **class_names; /* [n_classes]: the dataset's names, else the number */
  guint64     *class_images; /* [n_classes]: the images of each class scanned, or NULL
                              * (a result written before they were kept) */
} FmScanResult;

typedef struct _FmScan FmScan;

/* Called from worker threads at most about 20 times a second, and once
 * more at the end from the thread that called fm_scan_run(). */
typedef void (*FmScanProgressFunc) (guint64  done,
                                    guint64  total,
                                    double   elapsed,
                                    gpointer user_data);

void          fm_scan_options_init    (FmScanOptions      *options);

/* @dataset is borrowed: keep it until the scan is freed. Never NULL;
 * problems with the options or the model are reported by fm_scan_run(). */
FmScan       *fm_scan_new             (FmModel            *model,
                                       FmDataset          *dataset,
                                       const FmScanOptions *options);
void          fm_scan_free            (FmScan             *scan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmScan, fm_scan_free)

/* Runs the scan (once). FALSE with G_IO_ERROR_CANCELLED when cancelled,
 * or the dataset's or the model's error; fm_scan_get_result() then still
 * has the partial result (unless nothing could start, e.g. a bad option:
 * FM_ERROR_INVALID_INPUT, result NULL). */
gboolean      fm_scan_run             (FmScan             *scan,
                                       FmScanProgressFunc  progress,
                                       gpointer            user_data,
                                       GCancellable       *cancellable,
                                       GError            **error);
/* The result after fm_scan_run(), or NULL. Transfer none: ref it to keep. */
FmScanResult *fm_scan_get_result      (FmScan             *scan);

FmScanResult *fm_scan_result_ref      (FmScanResult       *result);
void          fm_scan_result_unref    (FmScanResult       *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FmScanResult, fm_scan_result_unref)

/* Index of the layer named @name, or -1. */
int           fm_scan_result_find_layer (const FmScanResult *result,
                                         const char         *name);
/* Whether @layer is made by an element-wise activation (Relu, Clip, ...;
 * fm_layer_is_activation ()): its channels are the ones that fire or
 * not; a pool after it only passes them on. */
gboolean      fm_scan_layer_is_activation (const FmScanLayer *layer);
/* Whether any layer of @result is an activation layer: the layers to
 * show when there are (the others' channels feed or repeat theirs). */
gboolean      fm_scan_result_has_activations (const FmScanResult *result);
/* The dead channels of @result's activation layers: each dead channel
 * once, not again in the pool after it. */
guint         fm_scan_result_count_dead (const FmScanResult *result);
/* Whether @result (of the checkpoint called @name) has the layers of
 * @first (of @first_name), each with as many channels and maps of as many
 * pixels (when both results know it), and no other: the checkpoints of one
 * training do. FALSE with FM_ERROR_INVALID_INPUT saying
 * the first difference. */
gboolean      fm_scan_result_check_same_layers (const FmScanResult *result,
                                                const char         *name,
                                                const FmScanResult *first,
                                                const char         *first_name,
                                                GError            **error);

/* The diagnosis of a channel in plain, translated words, with the usual
 * remedies for a dead one; for a live channel how often it fires. */
char         *fm_scan_result_explain  (const FmScanResult *result,
                                       guint               layer,
                                       guint               channel);
/* A dead channel's diagnosis in one short, translated line, as `scan`
 * lists it: "the bias keeps it negative: largest pre-activation -0.21,
 * bias -1.04". The bias is blamed only when it is negative. */
char         *fm_scan_result_dead_reason (const FmScanResult *result,
                                          guint               layer,
                                          guint               channel);
/* What a dead channel can promise after @result's images N: the rule of
 * three's 3 / N and the exact 95 % bound 1 - 0.05^(1/N), the share of
 * inputs above which a channel would have fired at least once with 95 %
 * confidence. FALSE (and NaN) when no image was scanned. */
gboolean      fm_scan_result_dead_bound (const FmScanResult *result,
                                         double             *rule_of_three,
                                         double             *exact_95);
/* The @n classes channel @channel of layer @layer fires for most often
 * into @classes and their fire counts into @counts: by the share of the
 * class's images it fired on, descending (by the count in a result without
 * class_images), then class ascending; classes it never fired for left
 * out. Returns how many, 0 without labels. */
guint         fm_scan_result_top_classes (const FmScanResult *result,
                                          guint               layer,
                                          guint               channel,
                                          guint               n,
                                          guint              *classes,
                                          guint32            *counts);
/* The same as text, "7: 41.2 % · 1: 38.0 % · 9: 12.0 %" (class name or
 * number: share of its images; images "7: 412" without class_images), with
 * " · 6 more at 38.0 %" when classes left out have the last one's share,
 * "every class alike (100.0 %)" when it fires on the same share of every
 * class, or NULL without labels or when it never fired. */
char         *fm_scan_result_top_classes_text (const FmScanResult *result,
                                               guint               layer,
                                               guint               channel,
                                               guint               n);
/* "89.7 % (layer mean 57.6 %)", translated, or NULL when APoZ is unknown
 * (a result of before it was kept). */
/* @fraction (0 to 1) as a percentage, translated: "41.2 %", never
 * "100.0 %" short of 1 nor "0.0 %" above 0 ("0.05 %", "< 0.01 %"). */
char         *fm_scan_percent_text    (double              fraction);
char         *fm_scan_result_apoz_text (const FmScanResult *result,
                                        guint               layer,
                                        guint               channel);
/* Whether channel @channel of layer @layer is in its near_dead list. */
gboolean      fm_scan_result_is_near_dead (const FmScanResult *result,
                                           guint               layer,
                                           guint               channel);
/* Stable names: "none", "weights-collapsed", "inputs-dead",
 * "bias-negative", "never-above-threshold". */
const char   *fm_scan_diagnosis_to_string (FmScanDiagnosis diagnosis);

/* What identifies the model a result belongs to, and the model part of
 * the cache key: its file's SHA-256 (`sha256sum`) or, with external data
 * files, the SHA-256 of that digest and of each external data file's
 * name and digest (digests of fm_sha256_file (), remembered while a file
 * is unchanged). NULL for a model without a file, or with FM_ERROR_IO
 * when a file cannot be read. */
char         *fm_scan_model_sha256    (const FmModel      *model,
                                       GError            **error);
/* The settings images went through, one line for comparing and for
 * people: "preset=mnist; channels=gray; range=0-1; resize=fit;
 * background=auto; mean=0.1307; std=0.3081; invert=auto" (the keys of
 * the input settings file, fm_input_settings_to_data ()). */
char         *fm_scan_preprocess_text (const FmPreprocess *pp);

/* The `scan --json` object: model, dataset, images, partial, layers with
 * name, op, channels, zero_count, fire_count, max, mean,
 * pre_activation_max (array or null), dead, rare, top; plus total, top_k,
 * rare_below, epsilon, elapsed, warnings, model_sha256 and preprocess
 * (when known) and per layer top_max, bias,
 * weight_max_abs and diagnosis, so that fm_scan_result_from_json() gives
 * back an equal result. NaN is written as null. The measures: "dead_bound"
 * {images, rule_of_three, exact_95}, "classes" (names, numbers as
 * strings; [] without labels) and "class_images" (the images of each
 * class; missing in a file of before them); per layer cells_per_image, zero_cells,
 * value_count, sum (doubles written to round-trip exactly), apoz,
 * apoz_mean, apoz_std, near_dead, dead_warning and class_fire_count
 * (per channel n_classes counts; null without labels). A file of before
 * the measures loads with them unknown. Read back, the derived values
 * (mean, apoz, dead, rare, near_dead, dead_warning) are worked out again
 * from the raw sums when the file has them. */
JsonNode     *fm_scan_result_to_json  (const FmScanResult *result);
/* @what names the source in messages. FM_ERROR_INVALID_INPUT naming the
 * member when something is missing or inconsistent. */
FmScanResult *fm_scan_result_from_json (JsonNode          *root,
                                        const char        *what,
                                        GError           **error);
/* Reads the `scan --json` file @path: its errors name the file
 * (FM_ERROR_IO when it cannot be read, FM_ERROR_INVALID_INPUT when it is
 * not such a JSON object). */
FmScanResult *fm_scan_result_load_json (const char        *path,
                                        GError           **error);
/* The parts of a sharded scan (shard K/N for every K of the same N, or
 * any complete results whose item ranges follow each other), in any
 * order, as the result the whole scan gives: counts, maxima, lists, top
 * images and diagnoses identical, means and APoZ from the summed raw
 * numbers (equal within rounding). The result names the first part's
 * model and dataset paths, its range is all the items, "parts" says how
 * many were merged, "elapsed" is the parts' scan times added up.
 * @names (or NULL: "part 1", ...) name the parts in messages.
 * FM_ERROR_INVALID_INPUT naming the parts when they are of different
 * models, datasets or options, when one is partial or of an older
 * version, or when their ranges leave items out or overlap. */
FmScanResult *fm_scan_result_merge    (FmScanResult *const *parts,
                                       const char   *const *names,
                                       guint                n_parts,
                                       GError             **error);
/* CSV, atomically: a header line, then one line per channel:
 * layer,channel,zero_count,fire_count,max,mean,pre_activation_max,dead,rare,
 * apoz,near_dead
 * (fields as fm-csv.h spells them: an empty field for NaN or no
 * pre-activation; dead, rare and near_dead are true/false). Per-class
 * counts are not in it (a column per class is too wide): see the JSON. */
gboolean      fm_scan_result_write_csv (const FmScanResult *result,
                                        const char         *path,
                                        GError            **error);

/* $XDG_CACHE_HOME/feature-maps/scans/KEY.json, KEY the SHA-256 of the
 * model file's digest (fm_sha256_file ()), @dataset_key
 * (fm_dataset_dup_content_key) and the options that change results.
 * Reads the model file unless its digest is remembered (FM_ERROR_IO). */
char         *fm_scan_cache_path      (const char          *model_path,
                                       const char          *dataset_key,
                                       const FmScanOptions *options,
                                       GError             **error);
/* The same for a loaded @model, whose external data files (weights kept
 * beside the .onnx) are part of the key too: new weights in the same
 * .onnx are another model. What fm_scan_run_cached () uses. */
char         *fm_scan_cache_path_for_model (const FmModel       *model,
                                            const char          *dataset_key,
                                            const FmScanOptions *options,
                                            GError             **error);
/* NULL with G_IO_ERROR_NOT_FOUND when there is no cached result. */
FmScanResult *fm_scan_cache_load      (const char          *path,
                                       GError             **error);
/* Creates the folder and writes the JSON atomically. */
gboolean      fm_scan_cache_save      (const FmScanResult  *result,
                                       const char          *path,
                                       GError             **error);

typedef enum
{
  FM_SCAN_CACHE_USE,       /* a cached result, else scan and keep a complete one */
  FM_SCAN_CACHE_LOOK_ONLY, /* a cached result or nothing: never scan */
  FM_SCAN_CACHE_SKIP,      /* scan; neither read nor write the cache */
} FmScanCacheMode;

/* Scans @dataset with @model through the cache. A cached result is the
 * one for the same model bytes, dataset contents and options, whatever
 * the files are called now; it is returned naming @model's and
 * @dataset's paths, with *@from_cache TRUE. Otherwise this is
 * fm_scan_new() + fm_scan_run(): the result (transfer full), and @error
 * when it is partial (cancelled, or the dataset broke mid-way) or, with
 * NULL, when nothing could start. NULL and no error: LOOK_ONLY found
 * nothing. A complete result that cannot be kept in the cache sets
 * @cache_error and stands all the same. */
FmScanResult *fm_scan_run_cached      (FmModel             *model,
                                       FmDataset           *dataset,
                                       const FmScanOptions *options,
                                       FmScanCacheMode      mode,
                                       FmScanProgressFunc   progress,
                                       gpointer             user_data,
                                       GCancellable        *cancellable,
                                       gboolean            *from_cache,
                                       GError             **cache_error,
                                       GError             **error);

G_END_DECLS
