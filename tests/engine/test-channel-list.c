/* test-channel-list.c
 *
 * Copyright 2026 The Feature Maps developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Channel lists as people type and read them (fm-channel-list.c): parsed,
 * printed, made from indexes, refused.
 */
#include "config.h"

#include <string.h>

#include "fm-channel-list.h"
#include "fm-error.h"

static void
test_parse_print (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ranges = fm_channel_list_parse (" 12, 0-3 ,2,4", "--select", &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  /* sorted, overlapping and touching ranges merged */
  text = fm_channel_list_to_string (ranges);
  g_assert_cmpstr (text, ==, "0-4,12");
}

/* Channel indexes as the command line lists them: runs become ranges. */
static void
test_from_indexes (void)
{
  const int zero[] = { 9, 0, 1, 2, 3, 6, 7, 31, 3 };
  g_autofree char *listed = fm_channel_list_indexes_to_string (zero, G_N_ELEMENTS (zero));
  g_autofree char *empty = fm_channel_list_indexes_to_string (NULL, 0);

  g_assert_cmpstr (listed, ==, "0-3,6-7,9,31");
  g_assert_cmpstr (empty, ==, "");
}

static void
test_refused (void)
{
  const char *bad[] = { "", "1,", "a", "3-", "-3", "5-2", "1048576", "1 2", "0x3", "+1" };
  GError *error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GArray) none = fm_channel_list_parse (bad[i], "--select", &error);

      g_test_message ("“%s”", bad[i]);
      g_assert_null (none);
      g_assert_error (error, FM_ERROR, FM_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, "--select"));
      g_clear_error (&error);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/channel-list/parse-print", test_parse_print);
  g_test_add_func ("/channel-list/from-indexes", test_from_indexes);
  g_test_add_func ("/channel-list/refused", test_refused);
  return g_test_run ();
}
