/* qd-statement-line-row.c — one row of a statement's lines, drawn as one widget
 *
 * A statement can have thousands of lines. GTK 4.8's list views keep about 200 rows
 * instantiated around the visible ones, and a GtkColumnView gives each row one cell widget
 * per column plus its label: for six columns some 2,400 widgets, built, measured and
 * thrown away on every statement opened — most of the 160 ms it took to open a 5,000-line
 * statement. This widget draws the six cells of a row with Pango layouts instead: one
 * widget per row. The header above the lines is the same widget with the column titles,
 * so both compute the same column widths: the fixed columns (date, type, amounts) are as
 * wide as their widest possible text in the widget's font, the reference and the dispute
 * reason share the rest and are ellipsized.
 *
 * For assistive technologies a row is named by its cells in order ("2026-10-01, Invoice,
 * REF-1, ¥10.00, ¥110.00").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-statement-document.h"
#include "qd-statement-line-row.h"

/* Space between the text and the cell's edges, in pixels. */
#define CELL_PAD_X 8
#define CELL_PAD_Y 6
/* The least an ellipsized column gets before the row asks for more width. */
#define MIN_FLEX_WIDTH 48
/* What an ellipsized column asks for when there is room. */
#define NAT_FLEX_WIDTH 180

struct _QdStatementLineRow
{
  GtkWidget parent_instance;

  gboolean header;
  char *texts[QD_STATEMENT_N_COLUMNS];
  PangoLayout *layouts[QD_STATEMENT_N_COLUMNS];  /* made when first needed */
  int fixed[QD_STATEMENT_N_COLUMNS];            /* widths of the fixed columns; 0: flexible */
  gboolean fixed_known;
  PangoFontDescription *font;                   /* the font of the layouts */
};

G_DEFINE_FINAL_TYPE (QdStatementLineRow, qd_statement_line_row, GTK_TYPE_WIDGET)

static gboolean
is_flexible (QdStatementColumn column)
{
  return column == QD_STATEMENT_COLUMN_REF || column == QD_STATEMENT_COLUMN_REASON;
}

static gboolean
is_amount (QdStatementColumn column)
{
  return column == QD_STATEMENT_COLUMN_AMOUNT || column == QD_STATEMENT_COLUMN_BALANCE;
}

/* The title of @column, translated. */
static const char *
column_title (QdStatementColumn column)
{
  switch (column)
    {
    case QD_STATEMENT_COLUMN_DATE:
      return _("Date");
    case QD_STATEMENT_COLUMN_KIND:
      return _("Type");
    case QD_STATEMENT_COLUMN_REF:
      return _("Reference");
    case QD_STATEMENT_COLUMN_AMOUNT:
      return _("Amount");
    case QD_STATEMENT_COLUMN_BALANCE:
      return _("Balance");
    case QD_STATEMENT_COLUMN_REASON:
      return _("Dispute reason");
    case QD_STATEMENT_N_COLUMNS:
    default:
      return "";
    }
}

static int
text_width (GtkWidget  *widget,
            const char *text)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int width = 0;

  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

/* The widths of the fixed columns depend only on the font: measured once per font and
 * kept for every row (200 rows measuring the same texts again would cost more than the
 * rows themselves). */
static void
ensure_fixed (QdStatementLineRow *self)
{
  static GHashTable *by_font;
  PangoContext *context;
  g_autofree char *font = NULL;
  int *widths;

  if (self->fixed_known)
    return;

  context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  font = pango_font_description_to_string (pango_context_get_font_description (context));
  if (by_font == NULL)
    by_font = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  widths = g_hash_table_lookup (by_font, font);
  if (widths == NULL)
    {
      static const char * const kinds[] = { "invoice", "payment", "rebate", "adjustment" };
      /* The widest amounts a statement shows: ten million yuan, negative. */
      const char *amount = "-¥00,000,000.00";

      widths = g_new0 (int, QD_STATEMENT_N_COLUMNS);
      for (int c = 0; c < QD_STATEMENT_N_COLUMNS; c++)
        if (!is_flexible (c))
          widths[c] = text_width (GTK_WIDGET (self), column_title (c));
      widths[QD_STATEMENT_COLUMN_DATE] = MAX (widths[QD_STATEMENT_COLUMN_DATE],
                                              text_width (GTK_WIDGET (self), "0000-00-00"));
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        widths[QD_STATEMENT_COLUMN_KIND] = MAX (widths[QD_STATEMENT_COLUMN_KIND],
                                                text_width (GTK_WIDGET (self),
                                                            qd_statement_kind_label (kinds[i])));
      widths[QD_STATEMENT_COLUMN_AMOUNT] = MAX (widths[QD_STATEMENT_COLUMN_AMOUNT],
                                                text_width (GTK_WIDGET (self), amount));
      widths[QD_STATEMENT_COLUMN_BALANCE] = MAX (widths[QD_STATEMENT_COLUMN_BALANCE],
                                                 text_width (GTK_WIDGET (self), amount));
      for (int c = 0; c < QD_STATEMENT_N_COLUMNS; c++)
        if (!is_flexible (c))
          widths[c] += 2 * CELL_PAD_X;
      g_hash_table_insert (by_font, g_steal_pointer (&font), widths);
    }
  memcpy (self->fixed, widths, sizeof self->fixed);
  self->fixed_known = TRUE;
}

static int
fixed_total (QdStatementLineRow *self)
{
  int total = 0;

  for (int c = 0; c < QD_STATEMENT_N_COLUMNS; c++)
    total += self->fixed[c];
  return total;
}

/* The x and width of each column at @width. */
static void
column_geometry (QdStatementLineRow *self,
                 int                 width,
                 int                *x,
                 int                *w)
{
  int flex = MAX (0, width - fixed_total (self));
  int at = 0;

  for (int c = 0; c < QD_STATEMENT_N_COLUMNS; c++)
    {
      if (is_flexible (c))
        w[c] = c == QD_STATEMENT_COLUMN_REF ? flex / 2 : flex - flex / 2;
      else
        w[c] = self->fixed[c];
      x[c] = at;
      at += w[c];
    }
  /* Right to left, the columns run the other way. */
  if (gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL)
    for (int c = 0; c < QD_STATEMENT_N_COLUMNS; c++)
      x[c] = width - x[c] - w[c];
}

static PangoLayout *
layout_for (QdStatementLineRow *self,
            QdStatementColumn   column)
{
  if (self->layouts[column] == NULL)
    {
      self->layouts[column] = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                                              self->texts[column]);
      pango_layout_set_ellipsize (self->layouts[column], PANGO_ELLIPSIZE_END);
      pango_layout_set_single_paragraph_mode (self->layouts[column], TRUE);
    }
  return self->layouts[column];
}

static void
clear_layouts (QdStatementLineRow *self)
{
  for (int c = 0; c < QD_STATEMENT_N_COLUMNS; c++)
    g_clear_object (&self->layouts[c]);
}

static void
qd_statement_line_row_measure (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline)
{
  QdStatementLineRow *self = QD_STATEMENT_LINE_ROW (widget);

  ensure_fixed (self);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = fixed_total (self) + 2 * MIN_FLEX_WIDTH;
      *natural = fixed_total (self) + 2 * NAT_FLEX_WIDTH;
    }
  else
    {
      /* One line of text: any cell tells the height (all have the same font). */
      int height = 0;

      pango_layout_get_pixel_size (layout_for (self, QD_STATEMENT_COLUMN_DATE), NULL, &height);
      *minimum = *natural = height + 2 * CELL_PAD_Y;
    }
}

static void
qd_statement_line_row_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  QdStatementLineRow *self = QD_STATEMENT_LINE_ROW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int x[QD_STATEMENT_N_COLUMNS];
  int w[QD_STATEMENT_N_COLUMNS];
  GdkRGBA color;

  ensure_fixed (self);
  column_geometry (self, width, x, w);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  for (int c = 0; c < QD_STATEMENT_N_COLUMNS; c++)
    {
      PangoLayout *layout;
      int text_w = 0;
      int text_h = 0;
      int inner = w[c] - 2 * CELL_PAD_X;
      int left;

      if (self->texts[c] == NULL || *self->texts[c] == '\0' || inner <= 0)
        continue;
      layout = layout_for (self, c);
      pango_layout_set_width (layout, inner * PANGO_SCALE);
      pango_layout_get_pixel_size (layout, &text_w, &text_h);
      /* Amounts line up on their right edge, as in the printed statement. */
      left = x[c] + CELL_PAD_X + (is_amount (c) ? MAX (0, inner - text_w) : 0);

      gtk_snapshot_save (snapshot);
      gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (x[c], 0, w[c], height));
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (left, (height - text_h) / 2));
      gtk_snapshot_append_layout (snapshot, layout, &color);
      gtk_snapshot_pop (snapshot);
      gtk_snapshot_restore (snapshot);
    }
}

static void
qd_statement_line_row_css_changed (GtkWidget         *widget,
                                   GtkCssStyleChange *change)
{
  QdStatementLineRow *self = QD_STATEMENT_LINE_ROW (widget);

  const PangoFontDescription *font;

  GTK_WIDGET_CLASS (qd_statement_line_row_parent_class)->css_changed (widget, change);
  /* Another font: measure again. Other changes (a selected or hovered row's colours) only
   * need the redraw GTK queues itself. */
  font = pango_context_get_font_description (gtk_widget_get_pango_context (widget));
  if (self->font == NULL || font == NULL || !pango_font_description_equal (self->font, font))
    {
      g_clear_pointer (&self->font, pango_font_description_free);
      self->font = font != NULL ? pango_font_description_copy (font) : NULL;
      clear_layouts (self);
      self->fixed_known = FALSE;
      gtk_widget_queue_resize (widget);
    }
}

static void
qd_statement_line_row_direction_changed (GtkWidget        *widget,
                                         GtkTextDirection  previous)
{
  clear_layouts (QD_STATEMENT_LINE_ROW (widget));
  gtk_widget_queue_draw (widget);
}

static void
qd_statement_line_row_finalize (GObject *object)
{
  QdStatementLineRow *self = QD_STATEMENT_LINE_ROW (object);

  clear_layouts (self);
  g_clear_pointer (&self->font, pango_font_description_free);
  for (int c = 0; c < QD_STATEMENT_N_COLUMNS; c++)
    g_free (self->texts[c]);

  G_OBJECT_CLASS (qd_statement_line_row_parent_class)->finalize (object);
}

static void
qd_statement_line_row_class_init (QdStatementLineRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = qd_statement_line_row_finalize;
  widget_class->measure = qd_statement_line_row_measure;
  widget_class->snapshot = qd_statement_line_row_snapshot;
  widget_class->css_changed = qd_statement_line_row_css_changed;
  widget_class->direction_changed = qd_statement_line_row_direction_changed;

  gtk_widget_class_set_css_name (widget_class, "statementline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ROW);
}

static void
qd_statement_line_row_init (QdStatementLineRow *self)
{
}

/**
 * qd_statement_line_row_new:
 * @header: %TRUE for the row of column titles above the lines
 */
GtkWidget *
qd_statement_line_row_new (gboolean header)
{
  QdStatementLineRow *self = g_object_new (QD_TYPE_STATEMENT_LINE_ROW, NULL);

  self->header = header;
  if (header)
    {
      const char *titles[QD_STATEMENT_N_COLUMNS];

      for (int c = 0; c < QD_STATEMENT_N_COLUMNS; c++)
        titles[c] = column_title (c);
      qd_statement_line_row_set_texts (self, titles);
      gtk_widget_add_css_class (GTK_WIDGET (self), "dim-label");
    }
  return GTK_WIDGET (self);
}

/**
 * qd_statement_line_row_set_texts:
 * @texts: (array fixed-size=6): the cells, left to right (%NULL for an empty cell)
 */
void
qd_statement_line_row_set_texts (QdStatementLineRow *self,
                                 const char * const *texts)
{
  g_autoptr(GString) name = g_string_new (NULL);

  g_return_if_fail (QD_IS_STATEMENT_LINE_ROW (self));
  g_return_if_fail (texts != NULL);

  for (int c = 0; c < QD_STATEMENT_N_COLUMNS; c++)
    {
      if (g_strcmp0 (self->texts[c], texts[c]) != 0)
        {
          g_free (self->texts[c]);
          self->texts[c] = g_strdup (texts[c]);
          if (self->layouts[c] != NULL)
            pango_layout_set_text (self->layouts[c], texts[c] != NULL ? texts[c] : "", -1);
        }
      if (texts[c] != NULL && *texts[c] != '\0')
        {
          if (name->len > 0)
            g_string_append (name, ", ");
          g_string_append (name, texts[c]);
        }
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name->str, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * qd_statement_line_row_get_text:
 *
 * Returns: (nullable): the text of @column
 */
const char *
qd_statement_line_row_get_text (QdStatementLineRow *self,
                                QdStatementColumn   column)
{
  g_return_val_if_fail (QD_IS_STATEMENT_LINE_ROW (self), NULL);
  g_return_val_if_fail (column < QD_STATEMENT_N_COLUMNS, NULL);

  return self->texts[column];
}
