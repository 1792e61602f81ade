/* qd-statements-page.c — the Statements page of the main window
 *
 * For now a status page that tells the user what this page will hold; the template in
 * ui/qd-statements-page.ui is where the real content goes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-statements-page.h"

struct _QdStatementsPage
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (QdStatementsPage, qd_statements_page, ADW_TYPE_BIN)

static void
qd_statements_page_class_init (QdStatementsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/qudao/Qudao/ui/qd-statements-page.ui");
}

static void
qd_statements_page_init (QdStatementsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
