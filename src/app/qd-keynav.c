/* qd-keynav.c — keyboard navigation helpers shared by the pages
 *
 * GTK 4.8 makes every row of a list a Tab stop. In a GtkListBox in browse or single mode
 * a row that gets the focus is selected too: tabbing from the list of statement periods
 * towards the detail switched the statement shown to the oldest period. A GtkListView
 * keeps about 200 rows instantiated, each a Tab stop: reaching Confirm below a 5,000-line
 * statement took some 200 Tabs. qd_keynav_tab_leaves_list() makes Tab and Shift+Tab leave
 * such a list from whichever row has the focus; the arrows, Page Up/Down, Home and End
 * still move within it, Space and Ctrl+Space select.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-keynav.h"

static gboolean
tab_leaves_list_cb (GtkEventControllerKey *controller,
                    guint                  keyval,
                    guint                  keycode,
                    GdkModifierType        state,
                    gpointer               user_data)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkRoot *root = gtk_widget_get_root (list);
  GtkDirectionType direction;
  gboolean moved;

  if (keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab)
    return GDK_EVENT_PROPAGATE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || root == NULL)
    return GDK_EVENT_PROPAGATE;
  direction = (state & GDK_SHIFT_MASK) != 0 || keyval == GDK_KEY_ISO_Left_Tab
              ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD;
  /* With the list not focusable, the window's focus chain steps over it from the row that
   * has the focus now. */
  gtk_widget_set_can_focus (list, FALSE);
  moved = gtk_widget_child_focus (GTK_WIDGET (root), direction);
  gtk_widget_set_can_focus (list, TRUE);
  return moved ? GDK_EVENT_STOP : GDK_EVENT_PROPAGATE;
}

/**
 * qd_keynav_tab_leaves_list:
 * @list: a #GtkListBox or #GtkListView
 *
 * Makes Tab and Shift+Tab leave @list from whichever row has the focus, as they leave a
 * single control; the arrows keep moving within it.
 */
void
qd_keynav_tab_leaves_list (GtkWidget *list)
{
  GtkEventController *keys;

  g_return_if_fail (GTK_IS_WIDGET (list));

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (tab_leaves_list_cb), NULL);
  gtk_widget_add_controller (list, keys);
}
