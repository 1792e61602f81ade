/* qd-screenshot.c — a window rendered into a PNG, for tools/screenshots.sh
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-app-error.h"
#include "qd-screenshot.h"

/**
 * qd_screenshot_save_window:
 * @self: a window that has been drawn at least once
 * @path: where to write the PNG
 * @error: return location for a #GError
 *
 * Renders the window as it is now with the window's own renderer into a texture and saves
 * it as a PNG. This is how tools/screenshots.sh takes the README and AppStream pictures
 * from the real app, without a compositor or a screenshot tool.
 *
 * Returns: %TRUE on success
 */
gboolean
qd_screenshot_save_window (GtkWindow   *self,
                           const char  *path,
                           GError     **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  int width;
  int height;

  g_return_val_if_fail (GTK_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));
  renderer = gtk_native_get_renderer (GTK_NATIVE (self));
  if (renderer == NULL || width <= 0 || height <= 0)
    {
      g_set_error_literal (error, QD_APP_ERROR, QD_APP_ERROR_SCREENSHOT,
                           _("The window has not been drawn yet"));
      return FALSE;
    }

  /* A GtkWidgetPaintable is the documented way to draw a widget elsewhere; it paints
   * nothing for a toplevel on GTK 4.8, whose render node lives in the surface. Then the
   * window's own snapshot vfunc draws it, background and children, in its coordinates. */
  paintable = gtk_widget_paintable_new (GTK_WIDGET (self));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    {
      snapshot = gtk_snapshot_new ();
      GTK_WIDGET_GET_CLASS (self)->snapshot (GTK_WIDGET (self), snapshot);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  if (node == NULL)
    {
      g_set_error_literal (error, QD_APP_ERROR, QD_APP_ERROR_SCREENSHOT,
                           _("The window rendered nothing"));
      return FALSE;
    }

  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, QD_APP_ERROR, QD_APP_ERROR_SCREENSHOT,
                   _("Could not write the screenshot to “%s”"), path);
      return FALSE;
    }

  return TRUE;
}
