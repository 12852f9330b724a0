/* fm-cli-bench.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps bench MODEL [INPUT]`: the median load time, the median
 * and 90th percentile (nearest rank) of the forward pass the viewer does
 * (every activation kept), the arithmetic rate that median gives (the
 * multiply-adds of Conv, ConvTranspose, Gemm and MatMul), the process's
 * own peak resident memory (VmHWM) and the part of it held before any
 * model (VmRSS then). It does not batch, compare with other runtimes
 * (build-aux/bench-peers.sh does) or time preprocessing.
 */
#include "config.h"

#include "fm-cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "fm-preprocess.h"

#define BENCH_LOADS       3
#define BENCH_MAX_RUNS    1000000
#define BENCH_MAX_WARMUP  20

typedef struct
{
  int      threads;
  int      runs;
  int      warmup;
  gboolean json;
} BenchOptions;

typedef struct
{
  double load_ms;     /* median of BENCH_LOADS loads */
  double first_load_ms;  /* the load before them, the process's first */
  double median_ms;   /* of the measured forward passes */
  double p90_ms;
  double rss_mb;      /* peak resident */
  const char *rss_source;  /* "VmHWM" or "ru_maxrss", see peak_rss_mb () */
  double base_mb;     /* resident before any model */
  double gflop;       /* multiply-add operations of one pass, 1e9 */
} BenchResult;

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* @v sorted, n >= 1. */
static double
median (const double *v,
        int           n)
{
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Nearest rank: the smallest value with at least 90 % of @v at or below. */
static double
p90 (const double *v,
     int           n)
{
  int rank = (int) ceil (0.9 * n);

  return v[CLAMP (rank, 1, n) - 1];
}

/* The process's own peak resident size, from VmHWM: the high-water mark
 * of its address space, which starts afresh at exec. getrusage ()'s
 * ru_maxrss, read only where /proc cannot tell, also keeps the peak of the
 * address space the process replaced at exec, so started from a large
 * process it reports that one's peak (1,232 MB for SqueezeNet from a
 * 1.2 GB Python parent instead of 48 MB). Sets *@source to what it read. */
static double
peak_rss_mb (const char **source)
{
  g_autofree char *text = NULL;
  const char *line;
  struct rusage usage;
  unsigned long kb;

  if (g_file_get_contents ("/proc/self/status", &text, NULL, NULL)
      && (line = strstr (text, "\nVmHWM:")) != NULL
      && sscanf (line, "\nVmHWM: %lu kB", &kb) == 1)
    {
      *source = "VmHWM";
      return kb / 1024.0;
    }
  *source = "ru_maxrss";
  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0.0;
  return usage.ru_maxrss / 1024.0;  /* kilobytes on Linux */
}

/* The resident size now (VmRSS), or 0 if /proc cannot tell. */
static double
current_rss_mb (void)
{
  g_autofree char *text = NULL;
  unsigned long pages_total = 0, pages_resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &text, NULL, NULL) ||
      sscanf (text, "%lu %lu", &pages_total, &pages_resident) != 2)
    return 0.0;
  return (double) pages_resident * (double) sysconf (_SC_PAGESIZE) / 1048576.0;
}

/* The rate of @r's median pass; 0 when the clock saw no time. */
static double
gflops (const BenchResult *r)
{
  return r->median_ms > 0.0 ? r->gflop / (r->median_ms / 1e3) : 0.0;
}

/* Writes the model's inputs into @run: INPUT as read, or a fixed pattern
 * (float inputs) and zeros (integer inputs) when there is none. */
static gboolean
feed (FmRun         *run,
      const FmModel *model,
      const char    *input_path,
      const FmImage *image,
      const float   *npy,
      const FmShape *npy_shape,
      GError       **error)
{
  if (input_path != NULL && model->n_inputs != 1)
    {
      g_set_error (error, FM_ERROR, FM_ERROR_INVALID_MODEL,
                   _("%s: the model has %u inputs; bench feeds INPUT to models with one input"),
                   model->path, model->n_inputs);
      return FALSE;
    }

  for (guint i = 0; i < model->n_inputs; i++)
    {
      const FmValue *v = &model->values[model->inputs[i]];
      gpointer dest = fm_run_input_data (run, i);

      if (npy != NULL)
        {
          if (!fm_cli_feed_npy (v, dest, input_path, npy, npy_shape, error))
            return FALSE;
        }
      else if (image != NULL)
        {
          FmPreprocess pp;

          if (!fm_preprocess_init_defaults (&pp, model, error)
              || !fm_cli_feed_image (&pp, image, dest, input_path, error))
            return FALSE;
        }
      else if (v->dtype == FM_DTYPE_FLOAT)
        {
          float *x = dest;  /* the input's shape, row-major */

          /* Values in [-1, 1] that are not all equal, so no kernel sees
           * a trivial case. */
          for (gsize k = 0; k < v->numel; k++)
            x[k] = sinf ((float) k * 0.37f);
        }
      else
        memset (dest, 0, v->numel * fm_dtype_size (v->dtype));
    }
  return TRUE;
}

static void
print_text (const FmModel      *model,
            const char         *input_path,
            const BenchOptions *o,
            const BenchResult  *r)
{
  printf (_("Model:       %s\n"), model->path);
  printf (_("Input:       %s\n"), input_path != NULL ? input_path : _("fixed pattern"));
  if (input_path == NULL && model->sized_by_default)
    printf (_("             (height and width are not fixed by the model: measured at %d x %d; "
              "give a picture or an .npy file for another size)\n"),
            FM_MODEL_DEFAULT_SIDE, FM_MODEL_DEFAULT_SIDE);
  printf (_("Threads:     %d\n"), o->threads);
  printf (_("Load:        %.2f ms (median of %d loads)\n"), r->load_ms, BENCH_LOADS);
  printf (_("First load:  %.2f ms (the process's first: on fresh memory, and reading the file "
            "if it is not cached)\n"),
          r->first_load_ms);
  printf (_("Forward:     median %.3f ms, p90 %.3f ms over %d runs after %d warm-up runs\n"),
          r->median_ms, r->p90_ms, o->runs, o->warmup);
  printf (_("Arithmetic:  %.4g GFLOP per pass (the multiply-adds of Conv, ConvTranspose, "
            "Gemm and MatMul), %.1f GFLOP/s at the median\n"),
          r->gflop, gflops (r));
  printf (_("Peak memory: %.1f MB resident, %.1f MB of it before the model was loaded "
            "(the program and its libraries)\n"), r->rss_mb, r->base_mb);
  if (strcmp (r->rss_source, "VmHWM") != 0)
    printf (_("             (from ru_maxrss, as /proc/self/status cannot be read: it may "
              "include the peak of the program that started this one)\n"));
  printf (_("Model data:  weights %.1f MB, activations %.1f MB, scratch %.1f MB\n"),
          model->weights_size / 1048576.0, model->arena_size / 1048576.0,
          model->scratch_size / 1048576.0);
}

static void
print_json (const FmModel      *model,
            const char         *input_path,
            const BenchOptions *o,
            const BenchResult  *r)
{
  g_autoptr(JsonBuilder) b = fm_cli_json_begin (model);

  fm_cli_json_add_int (b, "threads", o->threads);
  /* measured at 224 x 224 for want of an input (an input's size is its own) */
  fm_cli_json_add_boolean (b, "default_size", input_path == NULL && model->sized_by_default);
  fm_cli_json_add_int (b, "runs", o->runs);
  fm_cli_json_add_int (b, "warmup", o->warmup);
  fm_cli_json_add_double (b, "median_ms", r->median_ms);
  fm_cli_json_add_double (b, "p90_ms", r->p90_ms);
  fm_cli_json_add_double (b, "load_ms", r->load_ms);
  fm_cli_json_add_double (b, "first_load_ms", r->first_load_ms);
  fm_cli_json_add_double (b, "gflop", r->gflop);
  fm_cli_json_add_double (b, "gflops", gflops (r));
  fm_cli_json_add_double (b, "peak_rss_mb", r->rss_mb);
  fm_cli_json_add_string (b, "peak_rss_source", r->rss_source);
  fm_cli_json_add_double (b, "base_rss_mb", r->base_mb);
  fm_cli_json_add_double (b, "weights_mb", model->weights_size / 1048576.0);
  fm_cli_json_add_double (b, "activations_mb", model->arena_size / 1048576.0);
  fm_cli_json_add_double (b, "scratch_mb", model->scratch_size / 1048576.0);
  fm_cli_json_print (b);
}

/* Parses the options into @o; returns an exit status. */
static int
parse_options (int          *argc,
               char       ***argv,
               BenchOptions *o)
{
  g_autoptr(GOptionContext) context = NULL;
  const GOptionEntry entries[] = {
    { "threads", 0, 0, G_OPTION_ARG_INT, &o->threads,
      N_("Number of threads of one forward pass (default 1)"), N_("N") },
    { "runs", 0, 0, G_OPTION_ARG_INT, &o->runs,
      N_("Forward passes measured (default 200)"), N_("N") },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &o->warmup,
      /* xgettext:no-c-format */
      N_("Forward passes run first and not measured (default 10 % of --runs, 1 to 20)"),
      N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json,
      N_("Print one JSON object"), NULL },
    { NULL }
  };
  static const char *const missing[] = { N_("missing MODEL"), NULL };
  int status;

  context = fm_cli_option_context_new ("bench", _("MODEL [INPUT]"),
                                       _("Measure a model's load time, the latency of one "
                                         "forward pass that keeps every activation (median "
                                         "and 90th percentile after a warm-up), the "
                                         "arithmetic rate it reaches and the peak memory.\n"
                                         "MODEL is an .onnx file or a bundled model name. "
                                         "INPUT is a PNG/JPEG picture (preprocessed with the "
                                         "model's metadata) or a float32 .npy; without it the "
                                         "input is a fixed pattern."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = fm_cli_parse_arguments (context, "bench", argc, argv, missing, 2);
  if (status != FM_CLI_EXIT_OK)
    return status;
  if (!fm_cli_threads_valid (o->threads))
    return fm_cli_usage_error (context, "bench", _("--threads must be 1 to 256, not %d"),
                               o->threads);
  if (o->runs < 1 || o->runs > BENCH_MAX_RUNS)
    return fm_cli_usage_error (context, "bench", _("--runs must be 1 to %d, not %d"),
                               BENCH_MAX_RUNS, o->runs);
  if (o->warmup == G_MININT)
    o->warmup = CLAMP (o->runs / 10, 1, BENCH_MAX_WARMUP);
  else if (o->warmup < 0 || o->warmup > BENCH_MAX_RUNS)
    return fm_cli_usage_error (context, "bench", _("--warmup must be 0 to %d, not %d"),
                               BENCH_MAX_RUNS, o->warmup);
  return FM_CLI_EXIT_OK;
}

/* Loads @model_arg once (resolving a bundled name, filling the page cache;
 * timed apart: the one load a user's command makes), then BENCH_LOADS
 * times, one copy alive at a time so the peak memory is one model's;
 * returns the last copy. The later loads reuse the memory the one before
 * freed, which some virtual machines make much cheaper to touch. */
static FmModel *
time_loads (const char           *model_arg,
            const FmModelOptions *options,
            BenchResult          *r,
            GError              **error)
{
  g_autoptr(FmModel) model = NULL;
  g_autofree char *model_path = NULL;
  double loads[BENCH_LOADS];
  double t0 = now_ms ();

  /* Says "FILE: REASON" when it cannot be read. */
  model = fm_cli_load_model (model_arg, options, error);
  if (model == NULL)
    return NULL;
  r->first_load_ms = now_ms () - t0;
  model_path = g_strdup (model->path);

  for (int i = 0; i < BENCH_LOADS; i++)
    {
      t0 = now_ms ();
      g_clear_pointer (&model, fm_model_unref);
      model = fm_model_load_file (model_path, options, error);
      if (model == NULL)
        return NULL;
      loads[i] = now_ms () - t0;
    }
  qsort (loads, BENCH_LOADS, sizeof (double), compare_doubles);
  r->load_ms = median (loads, BENCH_LOADS);
  return g_steal_pointer (&model);
}

/* --warmup passes, then --runs timed ones. */
static gboolean
time_runs (FmRun              *run,
           const BenchOptions *o,
           BenchResult        *r,
           GError            **error)
{
  g_autofree double *times = g_new (double, o->runs);

  for (int i = 0; i < o->warmup; i++)
    if (!fm_run_execute (run, NULL, error))
      return FALSE;

  for (int i = 0; i < o->runs; i++)
    {
      double t0 = now_ms ();

      if (!fm_run_execute (run, NULL, error))
        return FALSE;
      times[i] = now_ms () - t0;
    }
  qsort (times, o->runs, sizeof (double), compare_doubles);
  r->median_ms = median (times, o->runs);
  r->p90_ms = p90 (times, o->runs);
  return TRUE;
}

int
fm_cli_bench (int    argc,
              char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FmModel) model = NULL;
  g_autoptr(FmRun) run = NULL;
  g_autofree float *npy = NULL;
  FmImage *image = NULL;
  FmShape npy_shape = { 0 };
  FmModelOptions options;
  const char *input_path;
  BenchOptions o = { .threads = 1, .runs = 200, .warmup = G_MININT, .json = FALSE };
  BenchResult r = { 0 };
  int status;

  status = parse_options (&argc, &argv, &o);
  if (status != FM_CLI_EXIT_OK)
    return status;
  input_path = argc == 3 ? argv[2] : NULL;

  /* The input first: its size fills in symbolic spatial dims. */
  fm_model_options_init (&options);
  if (input_path != NULL)
    {
      if (!fm_cli_read_input (input_path, &image, &npy, &npy_shape, &error))
        goto fail;
      fm_cli_input_size_options (image, &npy_shape, &options);
    }
  else
    {
      /* The fixed pattern, at the size the window and `inspect` take. */
      options.default_height = FM_MODEL_DEFAULT_SIDE;
      options.default_width = FM_MODEL_DEFAULT_SIDE;
    }

  /* What the program and its libraries hold before any model. */
  r.base_mb = current_rss_mb ();
  model = time_loads (argv[1], &options, &r, &error);
  if (model == NULL)
    goto fail;

  run = fm_run_new (model, &error);
  if (run == NULL)
    goto fail;
  fm_run_set_threads (run, (guint) o.threads);
  if (!feed (run, model, input_path, image, npy, &npy_shape, &error)
      || !time_runs (run, &o, &r, &error))
    goto fail;
  r.rss_mb = peak_rss_mb (&r.rss_source);
  r.gflop = fm_model_multiply_add_flops (model) / 1e9;

  if (o.json)
    print_json (model, input_path, &o, &r);
  else
    print_text (model, input_path, &o, &r);
  goto out;

fail:
  status = fm_cli_fail (error);
out:
  g_clear_pointer (&image, fm_image_free);
  return status;
}
