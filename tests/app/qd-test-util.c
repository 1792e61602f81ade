/* qd-test-util.c — helpers shared by the widget tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-test-util.h"

/* The real application class, registered without claiming the bus name: several test
 * programs run in parallel in one D-Bus session, and a second unique instance would turn
 * into a remote that forwards everything to the first. */
QdApplication *
qd_test_application_new (void)
{
  g_autoptr(GError) error = NULL;
  QdApplication *app;

  app = g_object_new (QD_TYPE_APPLICATION,
                      "application-id", APP_ID,
                      "flags", G_APPLICATION_NON_UNIQUE,
                      "resource-base-path", "/io/github/qudao/Qudao",
                      NULL);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  return app;
}

/* Depth-first search for the first widget of @type (and with @css_class, if given). */
GtkWidget *
qd_test_find_widget (GtkWidget  *root,
                     GType       type,
                     const char *css_class)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type)
      && (css_class == NULL || gtk_widget_has_css_class (root, css_class)))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = qd_test_find_widget (child, type, css_class);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWindow *
qd_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (window), type))
        return window; /* still owned by GTK's list */
    }

  return NULL;
}

void
qd_test_collect_labels (GtkWidget *root,
                        GPtrArray *texts)
{
  if (GTK_IS_LABEL (root))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_text (GTK_LABEL (root))));

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    qd_test_collect_labels (child, texts);
}

/* Runs what is pending in the main context (idles holding references, queued resizes),
 * bounded so a source that re-arms itself cannot hang the test. */
void
qd_test_drain (void)
{
  for (guint i = 0; i < 1000 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

static gboolean
deadline_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

/* Presents @window and waits, with a deadline, until it has painted a frame: only then
 * does it behave like a window the user sees (gtk_window_close() needs it realized, and
 * destroying a half-mapped X11 window provokes errors from the server). */
void
qd_test_show_window (GtkWindow *window)
{
  gboolean expired = FALSE;
  gboolean painted = FALSE;
  guint deadline;
  gulong handler;
  GdkFrameClock *clock;

  gtk_window_present (window);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  deadline = g_timeout_add_seconds (20, deadline_cb, &expired);

  while (!painted && !expired)
    g_main_context_iteration (NULL, TRUE);

  g_signal_handler_disconnect (clock, handler);
  if (!expired)
    g_source_remove (deadline);
  g_assert_true (painted);
}
