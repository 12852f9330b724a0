/* test-cli-bench.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `feature-maps bench`, run as a user would: the built binary (argv[1]) in
 * a subprocess. Checks the --json object (every documented field, numbers
 * positive and consistent, --runs and --threads echoed, the default runs
 * and warm-up), that the runs really ran (the process lasts at least half
 * the runs times the median), the bundled model's weight and activation
 * sizes and multiply-adds against a count by hand, that the peak memory
 * is the bench's own when its parent's is far larger, the text report, a
 * picture and a .npy INPUT, and bad input (exit 1 naming the file) and bad
 * flags (exit 2). It does not judge the speed.
 */
#include "config.h"

#include "fm-test-cli.h"

#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "fm-npy.h"
#include "fm-test-files.h"

static const char *binary;

/* Runs `binary bench ARGS...` (NULL-terminated); returns the exit status
 * and, in @seconds, the process's wall time. */
#define run_bench(out, err, seconds, ...) \
  fm_test_cli_run (binary, "bench", NULL, out, err, seconds, FM_TEST_CLI_ARGS (__VA_ARGS__))

static double
number (JsonObject *o,
        const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  g_assert_nonnull (n);
  g_assert_true (JSON_NODE_HOLDS_VALUE (n));
  g_assert_true (json_node_get_value_type (n) == G_TYPE_DOUBLE
                 || json_node_get_value_type (n) == G_TYPE_INT64);
  return json_node_get_double (n);
}

/* `binary bench ARGS...` (@args with --json), which must succeed: its
 * object, held by @parser; the process's wall time in @seconds when not
 * NULL. */
static JsonObject *
bench_json (JsonParser         *parser,
            double             *seconds,
            const char * const *args)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (fm_test_cli_run (binary, "bench", NULL, &out, &err, seconds, args), ==, 0);
  return fm_test_cli_parse_object (parser, out);
}

/* The fields every --json object has, with the values that must hold
 * whatever the machine. */
static void
check_common (JsonObject *o,
              int         threads,
              int         runs)
{
  double median = number (o, "median_ms"), p90 = number (o, "p90_ms");

  g_assert_true (g_str_has_suffix (json_object_get_string_member (o, "model"),
                                   "/models/mnist-cnn.onnx"));
  g_assert_cmpint (json_object_get_int_member (o, "threads"), ==, threads);
  g_assert_cmpint (json_object_get_int_member (o, "runs"), ==, runs);
  g_assert_cmpfloat (median, >, 0.0);
  /* The 90th percentile of the same sorted times is never below the median. */
  g_assert_cmpfloat (p90, >=, median);
  g_assert_cmpfloat (number (o, "load_ms"), >, 0.0);
  /* The first load (it resolves the bundled name too) is timed apart. */
  g_assert_cmpfloat (number (o, "first_load_ms"), >, 0.0);
  /* The weights are resident while it runs. */
  g_assert_cmpfloat (number (o, "peak_rss_mb"), >=, number (o, "weights_mb"));
  /* The program itself was resident before the model, and the peak
   * includes that and the weights loaded afterwards. */
  g_assert_cmpfloat (number (o, "base_rss_mb"), >, 0.0);
  g_assert_cmpfloat (number (o, "peak_rss_mb"), >=,
                     number (o, "base_rss_mb") + number (o, "weights_mb"));
  g_assert_cmpfloat (number (o, "scratch_mb"), >=, 0.0);
  /* Linux has /proc/self/status. */
  g_assert_cmpstr (json_object_get_string_member (o, "peak_rss_source"), ==, "VmHWM");
  /* The operations over the median time. */
  g_assert_cmpfloat_with_epsilon (number (o, "gflops"),
                                  number (o, "gflop") / (median / 1e3), 1e-9 * number (o, "gflops"));
}

static void
test_json (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o = bench_json (parser, NULL, FM_TEST_CLI_ARGS ("mnist-cnn", "--runs", "7",
                                                                  "--json", NULL));
  double act_bytes;

  check_common (o, 1, 7);
  /* 10 % of 7 runs rounds to 0; at least one warm-up run. */
  g_assert_cmpint (json_object_get_int_member (o, "warmup"), ==, 1);

  /* The bundled model's weights by hand (README: three 3x3 convs with 32
   * channels, one linear layer 32*7*7 -> 10, all with biases):
   * conv1 32*1*9 + 32 = 320, conv2 and conv3 32*32*9 + 32 = 9248 each,
   * fc 1568*10 + 10 = 15690; 34506 floats = 138024 bytes. */
  g_assert_cmpfloat_with_epsilon (number (o, "weights_mb"), 138024 / 1048576.0, 1e-9);
  /* Every activation of one image, kept: input 784, conv1 and relu1
   * 32*28*28 = 25088 each, pool1, conv2 and relu2 32*14*14 = 6272 each,
   * pool2, conv3 and relu3 32*7*7 = 1568 each, flatten 1568, logits 10:
   * 76058 floats = 304232 bytes, plus at most 64 bytes of alignment for
   * each of the 11 values. */
  act_bytes = number (o, "activations_mb") * 1048576.0;
  g_assert_cmpfloat (act_bytes, >=, 304232.0);
  g_assert_cmpfloat (act_bytes, <=, 304232.0 + 11 * 64);
  /* Multiply-adds by hand: conv1 32*28*28 outputs of 1*9 each = 225792,
   * conv2 32*14*14 of 32*9 = 1806336, conv3 32*7*7 of 32*9 = 451584, fc
   * 10 of 1568 = 15680; 2499392, two operations each. */
  g_assert_cmpfloat_with_epsilon (number (o, "gflop"), 4998784 / 1e9, 1e-12);
}

static void
test_runs_and_threads (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  double seconds;

  /* The defaults: 200 runs after 20 warm-up runs, 1 thread. */
  o = bench_json (parser, &seconds, FM_TEST_CLI_ARGS ("mnist-cnn", "--json", NULL));
  check_common (o, 1, 200);
  g_assert_cmpint (json_object_get_int_member (o, "warmup"), ==, 20);
  /* Half of the 200 measured runs took at least the median each, so the
   * process lasted at least 100 medians; fewer runs would not. */
  g_assert_cmpfloat (seconds * 1e3, >=, 100 * number (o, "median_ms"));

  o = bench_json (parser, NULL, FM_TEST_CLI_ARGS ("mnist-cnn", "--runs", "30", "--warmup", "0",
                                                  "--threads", "2", "--json", NULL));
  check_common (o, 2, 30);
  g_assert_cmpint (json_object_get_int_member (o, "warmup"), ==, 0);
}

/* The bench started from a process whose own peak is far above the
 * bench's (a 1.2 GB Python parent made it report 1,232 MB for a model that
 * needs 48 MB): the peak it reports is its own. */
static void
test_peak_memory_own (void)
{
  const gsize big = 300 * 1048576;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *ballast = g_malloc (big);
  struct rusage usage;
  JsonObject *o;

  /* Every page touched, and this process's peak shows it. */
  memset (ballast, 1, big);
  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  g_assert_cmpfloat (usage.ru_maxrss / 1024.0, >=, 300.0);

  o = bench_json (parser, NULL, FM_TEST_CLI_ARGS ("mnist-cnn", "--runs", "3", "--json", NULL));
  check_common (o, 1, 3);
  /* The bundled model's run needs under 1 MB on top of the program's
   * libraries; half the parent's peak is far above either. */
  g_assert_cmpfloat (number (o, "peak_rss_mb"), >, 0.0);
  g_assert_cmpfloat (number (o, "peak_rss_mb"), <, 150.0);
  g_assert_cmpint (ballast[big - 1], ==, 1);
}

/* Writes zeros of @shape to the .npy @path, then `bench mnist-cnn PATH
 * --runs 3` into *@out and *@err (freeing what they held); returns the
 * exit status. */
static int
bench_npy (const char     *path,
           const FmShape  *shape,
           char          **out,
           char          **err)
{
  static const float data[28 * 28] = { 0 };
  GError *error = NULL;

  g_assert_true (fm_npy_write (path, shape, data, &error));
  g_assert_no_error (error);
  g_clear_pointer (out, g_free);
  g_clear_pointer (err, g_free);
  return run_bench (out, err, NULL, "mnist-cnn", path, "--runs", "3", NULL);
}

static void
test_text_and_inputs (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *npy = g_build_filename (fm_test_scratch (), "input.npy", NULL);
  g_autofree char *bad = g_build_filename (fm_test_scratch (), "bad.npy", NULL);
  g_autofree char *digit = g_build_filename (FM_TEST_SRCDIR, "..", "data", "digits",
                                             "digit-7.png", NULL);
  FmShape shape = { .rank = 4, .dims = { 1, 1, 28, 28 } };
  FmShape bad_shape = { .rank = 2, .dims = { 28, 28 } };

  g_assert_cmpint (run_bench (&out, &err, NULL, "mnist-cnn", digit, "--runs", "5", NULL),
                   ==, 0);
  fm_test_assert_contains (out, "Input:       ", "digit-7.png", "over 5 runs after 1 warm-up runs",
                           "Arithmetic:  0.004999 GFLOP per pass", "Peak memory:", NULL);

  g_assert_cmpint (bench_npy (npy, &shape, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "input.npy"));

  /* A tensor of the wrong shape: exit 1, the message names the file. */
  g_assert_cmpint (bench_npy (bad, &bad_shape, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "bad.npy"));
  g_assert_nonnull (strstr (err, "[1, 1, 28, 28]"));
}

static void
test_errors (void)
{
  const char *bad_flags[][3] = {
    { "--runs", "0", NULL },
    { "--threads", "0", NULL },
    { "--threads", "257", NULL },
    { "--warmup", "-2", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad_flags); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (run_bench (&out, &err, NULL, "mnist-cnn", bad_flags[i][0],
                                  bad_flags[i][1], NULL), ==, 2);
      g_assert_nonnull (strstr (err, bad_flags[i][0]));
    }

  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_bench (&out, &err, NULL, NULL), ==, 2);
    g_assert_nonnull (strstr (err, "missing MODEL"));
  }
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *missing = g_build_filename (fm_test_scratch (), "no-such-model.onnx", NULL);

    g_assert_cmpint (run_bench (&out, &err, NULL, missing, NULL), ==, 1);
    g_assert_nonnull (strstr (err, "no-such-model.onnx"));
    g_assert_cmpstr (out, ==, "");
  }
}

int
main (int    argc,
      char **argv)
{
  binary = fm_test_cli_init (&argc, &argv);

  g_test_add_func ("/cli/bench/json", test_json);
  g_test_add_func ("/cli/bench/runs-and-threads", test_runs_and_threads);
  g_test_add_func ("/cli/bench/peak-memory-own", test_peak_memory_own);
  g_test_add_func ("/cli/bench/text-and-inputs", test_text_and_inputs);
  g_test_add_func ("/cli/bench/errors", test_errors);
  return g_test_run ();
}
