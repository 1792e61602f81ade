/* test-store-account.c — DATA_DIR/account.ini, the one file sync, cli and app share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sys/stat.h>

#include "qd-account.h"
#include "qd-store-error.h"
#include "store-test-util.h"

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *top = g_dir_make_tmp ("qudao-account-XXXXXX", NULL);
  /* A data folder that does not exist yet: save creates it, private to the user. */
  g_autofree char *dir = g_build_filename (top, "a", "b", NULL);
  g_autofree char *path = qd_account_file_path (dir);
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  GStatBuf st;

  g_assert_nonnull (top);
  g_assert_true (qd_account_save (dir, "https://qudao.example:8443", "经销商1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_true (qd_account_load (dir, &server, &user, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (server, ==, "https://qudao.example:8443");
  g_assert_cmpstr (user, ==, "经销商1");

  /* Saving again replaces the current account. */
  g_clear_pointer (&server, g_free);
  g_clear_pointer (&user, g_free);
  g_assert_true (qd_account_save (dir, "http://127.0.0.1:1", "dealer2", &error));
  g_assert_true (qd_account_load (dir, &server, &user, &error));
  g_assert_cmpstr (server, ==, "http://127.0.0.1:1");
  g_assert_cmpstr (user, ==, "dealer2");
  qd_test_remove_tree (top);
}

static void
test_missing_and_damaged (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qudao-account-XXXXXX", NULL);
  g_autofree char *path = qd_account_file_path (dir);
  g_autofree char *server = NULL;

  g_assert_false (qd_account_load (dir, &server, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, "\xff\xfe not a key file [", -1, NULL));
  g_assert_false (qd_account_load (dir, &server, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, "[account]\nserver=http://x\n", -1, NULL));
  g_assert_false (qd_account_load (dir, &server, NULL, &error));
  g_assert_error (error, QD_STORE_ERROR, QD_STORE_ERROR_INVALID);
  g_assert_null (server);
  qd_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/account/round-trip", test_round_trip);
  g_test_add_func ("/store/account/missing-and-damaged", test_missing_and_damaged);
  return g_test_run ();
}
