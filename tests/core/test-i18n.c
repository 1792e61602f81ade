/* test-i18n.c — core's error messages reach a dealer in Chinese
 *
 * Runs with LANG=C.UTF-8 LANGUAGE=zh_CN (no generated locale needed) against the .mo
 * files of the build tree.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

#include "qd-error.h"
#include "qd-json.h"
#include "qd-money.h"
#include "qd-mutation.h"
#include "qd-forecast.h"
#include "qd-rebate.h"

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” lacks “%s”", haystack, needle);
}

static void
test_zh_cn (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) o = NULL;
  g_autoptr(QdOrderSubmit) p = NULL;

  g_assert_false (qd_money_parse ("12.345", NULL, &error));
  g_assert_cmpstr (error->message, ==, "“12.345”不是金额：小数超过两位");
  g_clear_error (&error);

  g_assert_false (qd_money_parse ("１,２３", NULL, &error));
  assert_contains (error->message, "千位分隔符位置不对");
  g_clear_error (&error);

  o = qd_json_parse_object ("{\"order_id\":\"7f0e1b9c-3c2a-4d5e-8f90-123456789abc\","
                            "\"lines\":[{\"product_id\":\"p_1\",\"qty\":\"十二\"}]}", -1, &error);
  g_assert_no_error (error);
  g_assert_false (qd_order_submit_parse (o, &p, &error));
  g_assert_cmpstr (error->message, ==, "lines[0].qty：应为整数，实际为字符串");
  g_clear_error (&error);

  g_assert_null (qd_json_parse ("{\"a\":[1,]}", -1, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID);
  assert_contains (error->message, "a[1]：意外的“]”（第 1 行，第 9 列）");
  g_clear_error (&error);
}

/* The rebate hint of the cart and the errors of the rebate and forecast math. */
static void
test_zh_cn_rebate (void)
{
  static const QdRebateTier tiers[] = { { 10000000, 100 }, { 50000000, 300 } };
  static const QdRebateTier equal[] = { { 500, 100 }, { 500, 200 } };
  static const gint64 negative[] = { 3, -2 };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdRebatePolicy) policy = qd_rebate_policy_new (tiers, 2, &error);
  g_autofree char *hint = NULL;
  g_autofree char *top = NULL;

  g_assert_no_error (error);
  hint = qd_rebate_policy_format_hint (policy, 37700000);
  g_assert_cmpstr (hint, ==, "本季度再订购 ¥123,000.00 即可达到 3% 返利");
  top = qd_rebate_policy_format_hint (policy, 50000000);
  g_assert_cmpstr (top, ==, "本季度已达到最高返利档：3%");

  g_assert_false (qd_rebate_tiers_validate (equal, 2, &error));
  g_assert_cmpstr (error->message, ==,
                   "tiers[1].threshold_fen：¥5.00 没有高于上一档的 ¥5.00（各档门槛必须逐档递增）");
  g_clear_error (&error);

  g_assert_null (qd_forecast_new (negative, 2, &error));
  g_assert_cmpstr (error->message, ==, "history[1]：月需求量不能为负数（实际为 -2）");
}

int
main (int   argc,
      char *argv[])
{
  const char *build_root = g_getenv ("QUDAO_BUILD_ROOT");
  g_autofree char *localedir = NULL;

  g_test_init (&argc, &argv, NULL);

  if (build_root == NULL)
    {
      g_test_skip ("QUDAO_BUILD_ROOT is not set: run through meson test");
      return g_test_run ();
    }

  g_setenv ("LANG", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");
  setlocale (LC_ALL, "");
  localedir = g_build_filename (build_root, "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_test_add_func ("/i18n/zh-cn", test_zh_cn);
  g_test_add_func ("/i18n/zh-cn-rebate", test_zh_cn_rebate);

  return g_test_run ();
}
