/* qd-server-demo.c — the demo data set (--demo)
 *
 * Deterministic: a fixed-seed PRNG (splitmix64) drives every choice, and every date is
 * anchored to the first day of the current month (UTC), so the data is the same for a
 * whole month and always looks recent: 24 full months of history before the anchor, open
 * orders on the anchor day. Names are composed from word lists that carry their pinyin
 * initials, which make the 助记码 (mnemonic).
 *
 * Everything is written in one transaction with prepared statements, then the change log
 * is rendered in bulk; 100,000 products and 1,000,000 order lines take seconds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "qd-server-demo.h"
#include "qd-server-private.h"
#include "qd-server-rules.h"

#include <sodium.h>
#include <string.h>

#include "qd-enum-types.h"

/* ---------------------------------------------------------------------------------- */
/* Randomness                                                                           */

typedef struct
{
  guint64 state;
  guint32 uuids;  /* UUIDs made so far */
} Rng;

static guint64
rng_next (Rng *r)
{
  guint64 z = (r->state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static gint64
rng_range (Rng    *r,
           gint64  lo,
           gint64  hi)
{
  return lo + (gint64) (rng_next (r) % (guint64) (hi - lo + 1));
}

static char *
rng_uuid (Rng *r)
{
  guint64 a = rng_next (r), b = rng_next (r);

  /* The first 32 bits count up: the ids of a bulk load arrive in key order, so orders,
   * order lines and the change log append to their B-trees instead of inserting at
   * random pages (which dominated the load of a million lines). The rest stays random
   * and the stream of the generator is unchanged, so the rest of the data set is too. */
  a = ((guint64) ++r->uuids << 32) | (a & G_GUINT64_CONSTANT (0xffffffff));

  return g_strdup_printf ("%08x-%04x-4%03x-%04x-%012" G_GINT64_MODIFIER "x",
                          (guint) (a >> 32), (guint) (a >> 16) & 0xffff, (guint) a & 0xfff,
                          (guint) ((b >> 48) & 0x3fff) | 0x8000,
                          b & G_GUINT64_CONSTANT (0xffffffffffff));
}

/* ---------------------------------------------------------------------------------- */
/* Word lists: text and pinyin initials                                                 */

typedef struct
{
  const char *text;
  const char *initials;
} Word;

static const Word brands[] = {
  { "蓝月", "LY" }, { "金鹰", "JY" }, { "华美", "HM" }, { "康宁", "KN" }, { "雅洁", "YJ" },
  { "佳禾", "JH" }, { "绿源", "LY" }, { "安康", "AK" }, { "乐家", "LJ" }, { "天成", "TC" },
  { "优品", "YP" }, { "美达", "MD" }, { "福瑞", "FR" }, { "长城", "CC" }, { "新悦", "XY" },
  { "恒康", "HK" },
};

static const Word variants[] = {
  { "经典", "JD" }, { "柠檬", "NM" }, { "清香", "QX" }, { "加强", "JQ" }, { "升级", "SJ" },
  { "家庭装", "JTZ" }, { "便携", "BX" }, { "专业", "ZY" }, { "旗舰", "QJ" }, { "精选", "JX" },
};

typedef struct
{
  const char *name;
  const char *code;
  const char *unit;
  gboolean    lot_tracked;
  gint64      price_lo_yuan;
  gint64      price_hi_yuan;
  const Word  items[10];
  const char *specs[4];
  gint64      packs[3];
} Category;

static const Category categories[] = {
  { "快消品", "KX", "瓶", FALSE, 8, 80,
    { { "洗衣液", "XYY" }, { "洗洁精", "XJJ" }, { "牙膏", "YG" }, { "洗发水", "XFS" },
      { "沐浴露", "MYL" }, { "纸巾", "ZJ" }, { "卫生纸", "WSZ" }, { "香皂", "XZ" },
      { "洗手液", "XSY" }, { "湿巾", "SJ" } },
    { "500ml", "1kg", "2kg", "3kg" }, { 6, 12, 24 } },
  { "食品饮料", "SP", "箱", TRUE, 20, 200,
    { { "矿泉水", "KQS" }, { "绿茶", "LC" }, { "红茶", "HC" }, { "方便面", "FBM" },
      { "饼干", "BG" }, { "牛奶", "NN" }, { "酸奶", "SN" }, { "果汁", "GZ" },
      { "咖啡", "KF" }, { "薯片", "SP" } },
    { "12瓶/箱", "24瓶/箱", "6盒/箱", "20袋/箱" }, { 1, 5, 10 } },
  { "家电", "JD", "台", FALSE, 99, 3999,
    { { "电饭煲", "DFB" }, { "电水壶", "DSH" }, { "微波炉", "WBL" }, { "空气净化器", "KQJHQ" },
      { "电风扇", "DFS" }, { "吸尘器", "XCQ" }, { "豆浆机", "DJJ" }, { "电磁炉", "DCL" },
      { "榨汁机", "ZZJ" }, { "加湿器", "JSQ" } },
    { "3L", "5L", "标准款", "智能款" }, { 1, 2, 4 } },
  { "医疗器械", "YL", "盒", TRUE, 15, 2999,
    { { "血压计", "XYJ" }, { "血糖仪", "XTY" }, { "体温计", "TWJ" }, { "医用口罩", "YYKZ" },
      { "雾化器", "WHQ" }, { "制氧机", "ZYJ" }, { "医用棉签", "YYMQ" }, { "输液器", "SYQ" },
      { "注射器", "ZSQ" }, { "医用手套", "YYST" } },
    { "50只/盒", "100支/盒", "单台装", "家用型" }, { 1, 10, 20 } },
  { "日化用品", "RH", "支", FALSE, 10, 300,
    { { "洗面奶", "XMN" }, { "面霜", "MS" }, { "防晒霜", "FSS" }, { "护手霜", "HSS" },
      { "爽肤水", "SFS" }, { "润唇膏", "RCG" }, { "剃须刀", "TXD" }, { "梳子", "SZ" },
      { "面膜", "MM" }, { "精华液", "JHY" } },
    { "50g", "100ml", "150ml", "5片装" }, { 6, 12, 24 } },
  { "五金工具", "WJ", "把", FALSE, 5, 600,
    { { "螺丝刀", "LSD" }, { "扳手", "BS" }, { "电钻", "DZ" }, { "卷尺", "JC" },
      { "钳子", "QZ" }, { "锤子", "CZ" }, { "电工胶带", "DGJD" }, { "水平仪", "SPY" },
      { "工具箱", "GJX" }, { "角磨机", "JMJ" } },
    { "5m", "10件套", "标准", "重型" }, { 1, 5, 10 } },
  { "办公用品", "BG", "盒", FALSE, 3, 400,
    { { "签字笔", "QZB" }, { "笔记本", "BJB" }, { "文件夹", "WJJ" }, { "订书机", "DSJ" },
      { "复印纸", "FYZ" }, { "计算器", "JSQ" }, { "便利贴", "BLT" }, { "档案盒", "DAH" },
      { "白板笔", "BBB" }, { "剪刀", "JD" } },
    { "A4", "12支/盒", "10本装", "500张/包" }, { 1, 10, 20 } },
  { "母婴用品", "MY", "包", TRUE, 20, 500,
    { { "纸尿裤", "ZNK" }, { "奶瓶", "NP" }, { "婴儿湿巾", "YESJ" }, { "婴儿奶粉", "YENF" },
      { "安抚奶嘴", "AFNZ" }, { "儿童牙刷", "ETYS" }, { "婴儿洗衣液", "YEXYY" },
      { "爽身粉", "SSF" }, { "宝宝面霜", "BBMS" }, { "辅食碗", "FSW" } },
    { "S码", "M码", "L码", "800g" }, { 1, 4, 6 } },
};

typedef struct
{
  const char *id;
  const char *name;
  const char *provinces[4];
  const char *cities[4][4];
} RegionDef;

static const RegionDef regions[] = {
  { "r-east", "华东", { "上海", "浙江", "江苏", "安徽" },
    { { "浦东", "闵行", "嘉定", "松江" }, { "杭州", "宁波", "温州", "绍兴" },
      { "南京", "苏州", "无锡", "常州" }, { "合肥", "芜湖", "蚌埠", "安庆" } } },
  { "r-south", "华南", { "广东", "福建", "广西", "海南" },
    { { "广州", "深圳", "东莞", "佛山" }, { "福州", "厦门", "泉州", "漳州" },
      { "南宁", "柳州", "桂林", "北海" }, { "海口", "三亚", "儋州", "琼海" } } },
  { "r-north", "华北", { "北京", "天津", "河北", "山西" },
    { { "朝阳", "海淀", "丰台", "通州" }, { "和平", "河西", "南开", "滨海" },
      { "石家庄", "保定", "唐山", "廊坊" }, { "太原", "大同", "运城", "晋中" } } },
};

static const char * const trade_words[] = {
  "恒通", "华盛", "鑫源", "宏达", "瑞丰", "永泰", "金诚", "联合", "百川", "汇丰", "东方",
  "伟业", "盛世", "嘉禾", "同创", "万家",
};
static const char * const suffixes[] = {
  "商贸有限公司", "贸易有限公司", "供应链有限公司", "实业有限公司", "医药有限公司",
};

/* Months of order history before the anchor. */
#define HISTORY_MONTHS 24

/* Seasonality by calendar month: before Spring Festival, 618, Double Eleven. */
static const int season[12] = { 130, 70, 90, 100, 100, 110, 90, 90, 100, 110, 130, 120 };

/* ---------------------------------------------------------------------------------- */

typedef struct
{
  char       *id;
  char       *region_id;
  const char *level;
  int         weight;
  char      **favorites;  /* product ids this dealer orders */
  guint       n_favorites;
  gint64      invoiced[HISTORY_MONTHS]; /* shipped and completed, per history month */
} Dealer;

typedef struct
{
  char   *id;
  gint64  price_fen;   /* list price */
  gint64  pack;
  gboolean lot;
  gboolean active;
} Product;

typedef struct
{
  QdServerTxn *txn;
  Rng          rng;
  GDate        anchor;   /* the first day of the current month */
  GPtrArray   *dealers;  /* Dealer* */
  GArray      *products; /* Product */
  GHashTable  *ids;      /* interned strings kept alive for borrowed pointers */
  guint        n_lines;
  gint64       order_serial;
} Demo;

static const char *
intern (Demo       *d,
        char       *owned)
{
  g_hash_table_add (d->ids, owned);
  return owned;
}

static void
dealer_free (Dealer *dl)
{
  g_free (dl->id);
  g_free (dl->region_id);
  g_free (dl->favorites);
  g_free (dl);
}

/* The date @months months after the anchor (negative: before), on @day. */
static void
month_date (Demo  *d,
            int    months,
            int    day,
            GDate *out)
{
  *out = d->anchor;
  if (months > 0)
    g_date_add_months (out, months);
  else if (months < 0)
    g_date_subtract_months (out, -months);
  g_date_set_day (out, MIN (day, g_date_get_days_in_month (g_date_get_month (out),
                                                           g_date_get_year (out))));
}

static char *
date_text (const GDate *date)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

static char *
period_text (const GDate *date)
{
  return g_strdup_printf ("%04d-%02d", g_date_get_year (date), g_date_get_month (date));
}

static gboolean
put (Demo            *d,
     QdServerEntity   entity,
     JsonObject      *row,
     GError         **error)
{
  gboolean ok = qd_server_txn_put_row (d->txn, entity, row, error);

  json_object_unref (row);
  return ok;
}

static JsonObject *
obj (const char *first,
     ...)
{
  JsonObject *o = json_object_new ();
  const char *name = first;
  va_list args;

  /* (name, kind, value): 's' string (NULL → null), 'i' gint64, 'b' gboolean. */
  va_start (args, first);
  while (name != NULL)
    {
      int kind = va_arg (args, int);

      if (kind == 's')
        {
          const char *v = va_arg (args, const char *);

          if (v != NULL)
            json_object_set_string_member (o, name, v);
          else
            json_object_set_null_member (o, name);
        }
      else if (kind == 'i')
        json_object_set_int_member (o, name, va_arg (args, gint64));
      else
        json_object_set_boolean_member (o, name, va_arg (args, gboolean));
      name = va_arg (args, const char *);
    }
  va_end (args);
  return o;
}

static char *
ean13 (guint64 body12)
{
  char digits[14];
  int sum = 0;

  g_snprintf (digits, sizeof digits, "%012" G_GINT64_MODIFIER "u", body12);
  for (int i = 0; i < 12; i++)
    sum += (digits[i] - '0') * (i % 2 == 0 ? 1 : 3);
  digits[12] = '0' + (10 - sum % 10) % 10;
  digits[13] = '\0';
  return g_strdup (digits);
}

static gboolean
make_regions_and_dealers (Demo     *d,
                          GError  **error)
{
  int n = 0;

  for (guint r = 0; r < G_N_ELEMENTS (regions); r++)
    {
      const RegionDef *rd = &regions[r];
      char *ga_id;
      Dealer *ga;

      if (!put (d, QD_SERVER_ENTITY_REGION, obj ("id", 's', rd->id, "name", 's', rd->name, NULL),
                error))
        return FALSE;

      ga = g_new0 (Dealer, 1);
      ga->id = ga_id = g_strdup_printf ("d-%03d", ++n);
      ga->region_id = g_strdup (rd->id);
      ga->level = "general_agent";
      ga->weight = 3;
      g_ptr_array_add (d->dealers, ga);
      {
        g_autofree char *name = g_strdup_printf ("%s%s总代理%s", rd->name,
                                                 trade_words[rng_range (&d->rng, 0, 15)],
                                                 suffixes[rng_range (&d->rng, 0, 4)]);

        if (!put (d, QD_SERVER_ENTITY_DEALER,
                  obj ("id", 's', ga_id, "name", 's', name, "level", 's', "general_agent",
                       "parent_id", 's', NULL, "region_id", 's', rd->id,
                       "credit_limit_fen", 'i', (gint64) 2000000000,
                       "hold_threshold_fen", 'i', (gint64) 500000000, "active", 'b', TRUE, NULL),
                  error))
          return FALSE;
      }

      for (int p = 0; p < 4; p++)
        {
          Dealer *pv = g_new0 (Dealer, 1);
          g_autofree char *pname = g_strdup_printf ("%s%s%s", rd->provinces[p],
                                                    trade_words[rng_range (&d->rng, 0, 15)],
                                                    suffixes[rng_range (&d->rng, 0, 4)]);

          pv->id = g_strdup_printf ("d-%03d", ++n);
          pv->region_id = g_strdup (rd->id);
          pv->level = "provincial";
          pv->weight = 2;
          g_ptr_array_add (d->dealers, pv);
          if (!put (d, QD_SERVER_ENTITY_DEALER,
                    obj ("id", 's', pv->id, "name", 's', pname, "level", 's', "provincial",
                         "parent_id", 's', ga_id, "region_id", 's', rd->id,
                         "credit_limit_fen", 'i', (gint64) 500000000,
                         "hold_threshold_fen", 'i', (gint64) 100000000, "active", 'b', TRUE,
                         NULL),
                    error))
            return FALSE;

          for (int c = 0; c < 4; c++)
            {
              Dealer *rg = g_new0 (Dealer, 1);
              g_autofree char *rname = g_strdup_printf ("%s%s%s", rd->cities[p][c],
                                                        trade_words[rng_range (&d->rng, 0, 15)],
                                                        suffixes[rng_range (&d->rng, 0, 4)]);

              rg->id = g_strdup_printf ("d-%03d", ++n);
              rg->region_id = g_strdup (rd->id);
              rg->level = "regional";
              rg->weight = 1;
              g_ptr_array_add (d->dealers, rg);
              if (!put (d, QD_SERVER_ENTITY_DEALER,
                        obj ("id", 's', rg->id, "name", 's', rname, "level", 's', "regional",
                             "parent_id", 's', pv->id, "region_id", 's', rd->id,
                             "credit_limit_fen", 'i', (gint64) 100000000,
                             "hold_threshold_fen", 'i', (gint64) 20000000, "active", 'b', TRUE,
                             NULL),
                        error))
                return FALSE;
            }
        }
    }
  return TRUE;
}

static const int level_pct[] = { 80, 88, 95 };  /* general_agent, provincial, regional */
static const char * const level_names[] = { "general_agent", "provincial", "regional" };

static gboolean
make_products (Demo     *d,
               guint     n_products,
               GError  **error)
{
  for (guint i = 0; i < n_products; i++)
    {
      const Category *c = &categories[i % G_N_ELEMENTS (categories)];
      const Word *brand = &brands[rng_range (&d->rng, 0, G_N_ELEMENTS (brands) - 1)];
      const Word *item = &c->items[rng_range (&d->rng, 0, 9)];
      const Word *variant = &variants[rng_range (&d->rng, 0, G_N_ELEMENTS (variants) - 1)];
      const char *spec = c->specs[rng_range (&d->rng, 0, 3)];
      g_autofree char *name = g_strconcat (brand->text, item->text, "（", variant->text, "）",
                                           NULL);
      g_autofree char *mnemonic = g_strconcat (brand->initials, item->initials,
                                               variant->initials, NULL);
      g_autofree char *sku = g_strdup_printf ("QD-%s-%06u", c->code, i + 1);
      g_autofree char *barcode = ean13 (G_GUINT64_CONSTANT (692000000000) + i * 7 +
                                        (guint64) rng_range (&d->rng, 0, 6));
      Product p = { 0 };

      p.id = (char *) intern (d, g_strdup_printf ("p-%06u", i + 1));
      p.pack = c->packs[rng_range (&d->rng, 0, 2)];
      p.lot = c->lot_tracked;
      p.active = rng_range (&d->rng, 0, 99) != 0;
      p.price_fen = rng_range (&d->rng, c->price_lo_yuan, c->price_hi_yuan) * 100 +
                    rng_range (&d->rng, 0, 1) * 50;
      g_array_append_val (d->products, p);

      if (!put (d, QD_SERVER_ENTITY_PRODUCT,
                obj ("id", 's', p.id, "sku", 's', sku, "name", 's', name, "spec", 's', spec,
                     "category", 's', c->name, "unit", 's', c->unit, "pack_size", 'i', p.pack,
                     "max_line_qty", 'i', p.pack * 1000, "barcode", 's', barcode,
                     "mnemonic", 's', mnemonic, "lot_tracked", 'b', p.lot,
                     "active", 'b', p.active, NULL),
                error))
        return FALSE;

      for (int l = 0; l < 3; l++)
        {
          g_autofree char *pid = g_strdup_printf ("pr-%s-%s", p.id, level_names[l]);

          if (!put (d, QD_SERVER_ENTITY_PRICE,
                    obj ("id", 's', pid, "product_id", 's', p.id, "level", 's', level_names[l],
                         "dealer_id", 's', NULL,
                         "unit_price_fen", 'i', p.price_fen * level_pct[l] / 100, NULL),
                    error))
            return FALSE;
        }
    }
  return TRUE;
}

static gint64
dealer_price (const Dealer  *dl,
              const Product *p,
              gboolean       override)
{
  int l = g_str_equal (dl->level, "general_agent") ? 0 : g_str_equal (dl->level, "provincial") ? 1 : 2;

  return override ? p->price_fen * 92 / 100 : p->price_fen * level_pct[l] / 100;
}

static void
pick_favorites (Demo *d)
{
  guint n_active = 0;

  for (guint i = 0; i < d->products->len; i++)
    n_active += g_array_index (d->products, Product, i).active;

  for (guint k = 0; k < d->dealers->len; k++)
    {
      Dealer *dl = g_ptr_array_index (d->dealers, k);
      guint want = MIN (60, n_active);

      dl->favorites = g_new0 (char *, want);
      while (dl->n_favorites < want)
        {
          Product *p = &g_array_index (d->products, Product,
                                       rng_range (&d->rng, 0, d->products->len - 1));

          if (p->active)
            dl->favorites[dl->n_favorites++] = p->id;
        }
    }
}

static Product *
find_product (Demo       *d,
              const char *id)
{
  /* ids are "p-%06u" in order. */
  guint i = (guint) g_ascii_strtoull (id + 2, NULL, 10) - 1;

  return &g_array_index (d->products, Product, i);
}

static gboolean
make_order (Demo         *d,
            Dealer       *dl,
            const GDate  *date,
            int           hour,
            const char   *status,
            const char   *held_reason,
            guint         n_lines,
            gboolean      override_prices,
            gint64       *out_total,
            GError      **error)
{
  g_auto(QdServerOrder) order = { 0 };
  g_autofree char *day = g_strdup_printf ("%04d%02d%02d", g_date_get_year (date),
                                          g_date_get_month (date), g_date_get_day (date));
  g_autofree char *counter_name = g_strconcat ("order:", day, NULL);
  gint64 counter = 0, total = 0;

  if (!qd_server_txn_next_counter (d->txn, counter_name, &counter, error))
    return FALSE;

  order.id = rng_uuid (&d->rng);
  order.number = qd_server_rules_order_number (day, counter);
  order.dealer_id = g_strdup (dl->id);
  order.status = g_strdup (status);
  order.created_at = g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", g_date_get_year (date),
                                      g_date_get_month (date), g_date_get_day (date), hour,
                                      (int) rng_range (&d->rng, 0, 59),
                                      (int) rng_range (&d->rng, 0, 59));
  order.client_order_id = g_strdup (order.id);
  order.held_reason = g_strdup (held_reason);
  if (rng_range (&d->rng, 0, 4) == 0)
    order.note = g_strdup ("请尽快安排发货，谢谢！");
  order.lines = g_array_sized_new (FALSE, TRUE, sizeof (QdServerOrderLine), n_lines);

  for (guint i = 0; i < n_lines; i++)
    {
      const char *pid = dl->favorites[(i * 7 + rng_range (&d->rng, 0, dl->n_favorites - 1)) %
                                      dl->n_favorites];
      Product *p = find_product (d, pid);
      QdServerOrderLine l;

      l.product_id = p->id;
      l.qty = p->pack * rng_range (&d->rng, 1, 10);
      l.unit_price_fen = dealer_price (dl, p, override_prices && i < 2);
      l.total_fen = l.qty * l.unit_price_fen;
      total += l.total_fen;
      g_array_append_val (order.lines, l);
    }
  order.total_fen = total;

  if (g_str_equal (status, "shipped") || g_str_equal (status, "completed"))
    {
      GDate shipped = *date;

      g_date_add_days (&shipped, 2);
      order.shipped_at = g_strdup_printf ("%04d-%02d-%02dT09:00:00Z", g_date_get_year (&shipped),
                                          g_date_get_month (&shipped), g_date_get_day (&shipped));
    }

  d->n_lines += n_lines;
  *out_total = total;
  return qd_server_txn_insert_order (d->txn, &order, error);
}

static gboolean
make_history (Demo     *d,
              guint     n_order_lines,
              GError  **error)
{
  int weight_sum = 0, season_sum = 0;
  double lines_per_unit;

  for (guint k = 0; k < d->dealers->len; k++)
    weight_sum += ((Dealer *) g_ptr_array_index (d->dealers, k))->weight;
  for (int m = 0; m < 12; m++)
    season_sum += season[m];
  /* Lines per (weight unit × seasonal percent): 24 months ≈ 2 × the seasonal year. */
  lines_per_unit = (double) n_order_lines / (weight_sum * 2.0 * season_sum);

  for (int month = -HISTORY_MONTHS; month < 0; month++)
    {
      GDate first;

      month_date (d, month, 1, &first);
      for (guint k = 0; k < d->dealers->len; k++)
        {
          Dealer *dl = g_ptr_array_index (d->dealers, k);
          double want = lines_per_unit * dl->weight * season[g_date_get_month (&first) - 1];
          guint lines = (guint) want + (rng_range (&d->rng, 0, 999) < (want - (guint) want) * 1000);
          gint64 invoiced = 0;

          while (lines > 0)
            {
              guint n = (guint) rng_range (&d->rng, 3, 8);
              GDate day;
              const char *status;

              n = MIN (n, lines);
              gint64 total = 0;
              int roll = rng_range (&d->rng, 0, 99);

              month_date (d, month, rng_range (&d->rng, 1, 26), &day);
              status = roll < 2 ? "cancelled" : roll < 3 ? "rejected" :
                       month < -2 ? "completed" : "shipped";
              if (!make_order (d, dl, &day, rng_range (&d->rng, 8, 17), status, NULL, n,
                               g_str_equal (dl->id, "d-003"), &total, error))
                return FALSE;
              if (g_str_equal (status, "completed") || g_str_equal (status, "shipped"))
                invoiced += total;
              lines -= n;
            }
          dl->invoiced[month + HISTORY_MONTHS] = invoiced;

          /* Paid early the next month, a little less than invoiced; the last month is
           * still open. */
          if (invoiced > 0 && month < -1)
            {
              GDate pay;
              g_autofree char *date = NULL;
              g_autofree char *id = NULL;
              g_autofree char *ref = NULL;

              month_date (d, month + 1, 10, &pay);
              date = date_text (&pay);
              id = g_strdup_printf ("pay-%s-%s", dl->id, date);
              ref = g_strdup_printf ("BT%s%s", date, dl->id + 2);
              if (!put (d, QD_SERVER_ENTITY_PAYMENT,
                        obj ("id", 's', id, "dealer_id", 's', dl->id, "date", 's', date,
                             "amount_fen", 'i', invoiced * rng_range (&d->rng, 90, 100) / 100
                                                / 10000 * 10000,
                             "method", 's', rng_range (&d->rng, 0, 3) ? "银行转账" : "承兑汇票",
                             "ref", 's', ref, NULL),
                        error))
                return FALSE;
            }
        }
    }
  return TRUE;
}

/* Orders on the anchor day in every open status; dealer1 gets one of each status. */
static gboolean
make_open_orders (Demo     *d,
                  GError  **error)
{
  static const char * const all[] = {
    "submitted", "held", "approved", "shipped", "completed", "cancelled", "rejected",
  };
  GDate today;
  gint64 total;

  month_date (d, 0, 1, &today);
  for (guint k = 0; k < d->dealers->len; k++)
    {
      Dealer *dl = g_ptr_array_index (d->dealers, k);

      if (g_str_equal (dl->id, "d-003"))
        {
          for (guint i = 0; i < G_N_ELEMENTS (all); i++)
            if (!make_order (d, dl, &today, 9 + i, all[i],
                             g_str_equal (all[i], "held")
                             ? "total exceeds the review threshold" : NULL,
                             3, TRUE, &total, error))
              return FALSE;
          continue;
        }
      if (!make_order (d, dl, &today, 10, k % 2 ? "submitted" : "approved", NULL, 3, FALSE,
                       &total, error))
        return FALSE;
      /* A few held orders in every region for the managers. */
      if (k % 7 == 2 &&
          !make_order (d, dl, &today, 11, "held",
                       "quantity is more than 3× the monthly average of the last 6 months",
                       4, FALSE, &total, error))
        return FALSE;
    }
  return TRUE;
}

/* Each dealer's planned target attainment in percent: spread over 75–125 % so that the
 * dashboards show dealers behind and ahead of target, the same every run (what the orders
 * make of it lands within about 70–130 % for the year). dealer1 (d-003) is
 * a little behind, so that its dashboard and the cart's rebate hint have something to say.
 * Not drawn from the PRNG: the rest of the data set stays what it was. */
static int
planned_attainment (const Dealer *dl,
                    guint         k)
{
  if (g_str_equal (dl->id, "d-003"))
    return 93;
  return 75 + (int) ((k * 37 + 11) % 51);
}

/* The dealer's purchases of an average month at 100 % seasonality, in fen: its invoiced
 * history divided by the seasonal percentages of those months (so a target follows the
 * same seasons the purchases do). */
static double
seasonal_base (Demo         *d,
               const Dealer *dl)
{
  gint64 invoiced = 0;
  int season_sum = 0;

  for (int month = -HISTORY_MONTHS; month < 0; month++)
    {
      GDate first;

      month_date (d, month, 1, &first);
      invoiced += dl->invoiced[month + HISTORY_MONTHS];
      season_sum += season[g_date_get_month (&first) - 1];
    }
  return season_sum > 0 ? (double) invoiced / season_sum : 0;
}

/* A month's target: what the dealer buys in such a month, divided by its planned attainment,
 * in whole ¥100 and at least ¥1,000. For a month of the history, "what it buys" leans on
 * what it did buy (three quarters of it, a quarter the seasonal expectation): the demo's few
 * orders a month vary so much that targets from the expectation alone scattered attainment
 * far beyond the planned spread. @actual < 0: a month without history (the coming ones). */
static gint64
month_target (const Dealer *dl,
              double        base,
              int           pct,
              int           calendar_month,
              gint64        actual)
{
  double expected = base * season[calendar_month - 1];
  double fen = (actual >= 0 ? (3.0 * actual + expected) / 4.0 : expected) * 100.0 / pct;

  /* dealer1's months are exactly its planned attainment behind: what the demo shows of it
   * (the dashboard, the cart's hint) does not depend on the month it is run in. */
  if (g_str_equal (dl->id, "d-003") && actual > 0)
    fen = actual * 100.0 / pct;

  return MAX ((gint64) (fen / 10000 + 0.5) * 10000, 100000);
}

static gboolean
make_targets_and_policies (Demo     *d,
                           GError  **error)
{
  g_autofree double *base = g_new0 (double, d->dealers->len);
  int n_level[3] = { 0, };

  for (guint k = 0; k < d->dealers->len; k++)
    {
      Dealer *dl = g_ptr_array_index (d->dealers, k);
      int l = g_str_equal (dl->level, "general_agent") ? 0
              : g_str_equal (dl->level, "provincial") ? 1 : 2;

      base[k] = seasonal_base (d, dl);
      n_level[l]++;
    }

  for (int month = -HISTORY_MONTHS; month <= 2; month++)
    {
      GDate first;
      g_autofree char *period = NULL;

      month_date (d, month, 1, &first);
      period = period_text (&first);
      for (guint k = 0; k < d->dealers->len; k++)
        {
          Dealer *dl = g_ptr_array_index (d->dealers, k);
          g_autofree char *id = g_strdup_printf ("tg-%s-%s", dl->id, period);
          gint64 amount = month_target (dl, base[k], planned_attainment (dl, k),
                                        g_date_get_month (&first),
                                        month < 0 ? dl->invoiced[month + HISTORY_MONTHS] : -1);

          if (!put (d, QD_SERVER_ENTITY_TARGET,
                    obj ("id", 's', id, "dealer_id", 's', dl->id, "period", 's', period,
                         "amount_fen", 'i', amount, NULL),
                    error))
            return FALSE;
        }

      /* A policy per level and quarter, its tiers at 60 %, 100 % and 130 % of the level's
       * average quarterly target (in whole ¥10,000): a dealer on target reaches 2 %. */
      if (g_date_get_month (&first) % 3 == 1)
        {
          g_autofree char *quarter = qd_server_rules_period_quarter (period);
          gint64 level_sum[3] = { 0, };

          for (guint k = 0; k < d->dealers->len; k++)
            {
              Dealer *dl = g_ptr_array_index (d->dealers, k);
              int l = g_str_equal (dl->level, "general_agent") ? 0
                      : g_str_equal (dl->level, "provincial") ? 1 : 2;

              for (int i = 0; i < 3; i++)
                level_sum[l] += month_target (dl, base[k], planned_attainment (dl, k),
                                              (g_date_get_month (&first) - 1 + i) % 12 + 1,
                                              month + i < 0
                                              ? dl->invoiced[month + i + HISTORY_MONTHS] : -1);
            }

          for (int l = 0; l < 3; l++)
            {
              gint64 average = n_level[l] > 0 ? level_sum[l] / n_level[l] : 100000000;
              gint64 t1 = MAX (average * 60 / 100 / 1000000, 1) * 1000000;
              gint64 t2 = MAX (average / 1000000, t1 / 1000000 + 1) * 1000000;
              gint64 t3 = MAX (average * 130 / 100 / 1000000, t2 / 1000000 + 1) * 1000000;
              g_autofree char *id = g_strdup_printf ("rp-%s-%s", level_names[l], quarter);
              g_autofree char *tiers = g_strdup_printf (
                "[{\"threshold_fen\":%" G_GINT64_FORMAT ",\"rate_bp\":100},"
                "{\"threshold_fen\":%" G_GINT64_FORMAT ",\"rate_bp\":200},"
                "{\"threshold_fen\":%" G_GINT64_FORMAT ",\"rate_bp\":300}]", t1, t2, t3);
              g_autoptr(JsonParser) parser = json_parser_new ();
              JsonObject *row = obj ("id", 's', id, "level", 's', level_names[l],
                                     "period", 's', quarter, NULL);

              json_parser_load_from_data (parser, tiers, -1, NULL);
              json_object_set_member (row, "tiers", json_node_copy (json_parser_get_root (parser)));
              if (!put (d, QD_SERVER_ENTITY_REBATE_POLICY, row, error))
                return FALSE;
            }
        }
    }
  return TRUE;
}

static gboolean
make_statements (Demo     *d,
                 GError  **error)
{
  for (int month = -6; month < 0; month++)
    {
      GDate first, issued;
      g_autofree char *period = NULL;
      g_autofree char *issued_at = NULL;
      g_autofree char *issued_day = NULL;

      month_date (d, month, 1, &first);
      month_date (d, month + 1, 3, &issued);
      period = period_text (&first);
      issued_day = date_text (&issued);
      issued_at = g_strdup_printf ("%sT02:00:00Z", issued_day);

      for (guint k = 0; k < d->dealers->len; k++)
        {
          Dealer *dl = g_ptr_array_index (d->dealers, k);
          g_autofree char *id = NULL;
          const char *status;
          gboolean dealer1 = g_str_equal (dl->id, "d-003");

          if (!qd_server_issue_statement (d->txn, dl->id, period, issued_at, FALSE, &id, error))
            return FALSE;
          /* One revision, so that versions > 1 exist. */
          if (month == -2 && k % 5 == 0 &&
              !qd_server_issue_statement (d->txn, dl->id, period, issued_at, TRUE, NULL, error))
            return FALSE;

          if (month == -1)
            status = dealer1 ? "issued" : k % 3 == 0 ? "issued" : k % 3 == 1 ? "confirmed" : "disputed";
          else if (month == -2)
            status = k % 4 == 1 ? "disputed" : "confirmed";
          else
            status = "confirmed";

          if (g_str_equal (status, "disputed"))
            {
              g_autoptr(GError) local = NULL;

              /* A statement may have no lines; then it is confirmed instead. */
              if (!qd_server_txn_dispute_line (d->txn, id, "L1", "金额与我方记录不符，请核对发货单", &local))
                status = "confirmed";
            }
          if (!g_str_equal (status, "issued") &&
              !qd_server_txn_set_statement_status (d->txn, id, status, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
make_stock_reports (Demo     *d,
                    GError  **error)
{
  for (int month = -2; month < 0; month++)
    {
      GDate as_of;
      g_autofree char *as_of_text = NULL;

      month_date (d, month, 31, &as_of);
      as_of_text = date_text (&as_of);
      for (guint k = 0; k < d->dealers->len; k++)
        {
          Dealer *dl = g_ptr_array_index (d->dealers, k);
          g_autofree char *id = NULL;
          g_autoptr(GArray) lines = NULL;
          g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
          guint n = (guint) rng_range (&d->rng, 15, 30);

          if (!g_str_equal (dl->level, "regional"))
            continue;
          n = MIN (n, dl->n_favorites);
          id = rng_uuid (&d->rng);
          lines = g_array_new (FALSE, TRUE, sizeof (QdServerStockLine));
          for (guint i = 0; i < n; i++)
            {
              Product *p = find_product (d, dl->favorites[i]);
              QdServerStockLine l = { p->id, p->pack * rng_range (&d->rng, 0, 40), NULL, NULL };

              if (p->lot)
                {
                  GDate expiry;
                  char *lot = g_strdup_printf ("L%04d%02d%03d", g_date_get_year (&as_of),
                                               g_date_get_month (&as_of),
                                               (int) rng_range (&d->rng, 1, 999));
                  char *exp;

                  /* Some expire within 90 days of the anchor: the expiry risk list. */
                  month_date (d, 0, 1, &expiry);
                  g_date_add_days (&expiry, rng_range (&d->rng, 0, 4) == 0
                                              ? rng_range (&d->rng, 5, 85)
                                              : rng_range (&d->rng, 120, 720));
                  exp = date_text (&expiry);
                  g_ptr_array_add (texts, lot);
                  g_ptr_array_add (texts, exp);
                  l.lot = lot;
                  l.expiry = exp;
                }
              g_array_append_val (lines, l);
            }
          if (!qd_server_txn_insert_stock_report (d->txn, id, dl->id, as_of_text,
                                                  as_of_text, (QdServerStockLine *) (void *) lines->data,
                                                  lines->len, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
make_users (Demo     *d,
            GError  **error)
{
  char hash[crypto_pwhash_STRBYTES];
  const char *east[] = { "r-east", NULL };
  const char *south[] = { "r-south", NULL };
  const char *dealer2 = NULL;

  /* One hash for all demo accounts: Argon2id is deliberately slow. */
  if (crypto_pwhash_str (hash, QD_DEMO_PASSWORD, strlen (QD_DEMO_PASSWORD),
                         crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error (error, QD_SERVER_ERROR, QD_SERVER_ERROR_FAILED, "cannot hash a password");
      return FALSE;
    }

  for (guint k = 0; k < d->dealers->len; k++)
    {
      Dealer *dl = g_ptr_array_index (d->dealers, k);

      if (g_str_equal (dl->region_id, "r-south") && g_str_equal (dl->level, "regional"))
        {
          dealer2 = dl->id;
          break;
        }
    }

  return qd_server_txn_put_user (d->txn, "u-admin", "admin", "品牌管理员", QD_USER_ROLE_ADMIN,
                                 NULL, NULL, hash, error) &&
         qd_server_txn_put_user (d->txn, "u-manager1", "manager1", "王经理（华东）",
                                 QD_USER_ROLE_MANAGER, NULL, east, hash, error) &&
         qd_server_txn_put_user (d->txn, "u-manager2", "manager2", "李经理（华南）",
                                 QD_USER_ROLE_MANAGER, NULL, south, hash, error) &&
         qd_server_txn_put_user (d->txn, "u-dealer1", "dealer1", "张会计", QD_USER_ROLE_DEALER,
                                 "d-003", NULL, hash, error) &&
         qd_server_txn_put_user (d->txn, "u-dealer2", "dealer2", "陈店长", QD_USER_ROLE_DEALER,
                                 dealer2, NULL, hash, error);
}

gboolean
qd_server_demo_fill (QdServerStorage  *storage,
                     guint             n_products,
                     guint             n_order_lines,
                     GError          **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) dealers = g_ptr_array_new_with_free_func ((GDestroyNotify) dealer_free);
  g_autoptr(GArray) products = g_array_new (FALSE, TRUE, sizeof (Product));
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Demo d = { 0 };
  gboolean ok;
  gint64 t0 = g_get_monotonic_time ();
#define PHASE(name) g_debug ("demo: %s done at %.2f s", name, (g_get_monotonic_time () - t0) / 1e6)

  if (n_products == 0)
    n_products = 3600;
  if (n_order_lines == 0)
    n_order_lines = 20000;
  n_products = MAX (n_products, 100);

  d.rng.state = 20261124;
  d.dealers = dealers;
  d.products = products;
  d.ids = ids;
  g_date_clear (&d.anchor, 1);
  g_date_set_dmy (&d.anchor, 1, g_date_time_get_month (now), g_date_time_get_year (now));

  d.txn = qd_server_storage_begin_bulk (storage, error);
  if (d.txn == NULL)
    return FALSE;

  ok = make_regions_and_dealers (&d, error) &&
       make_products (&d, n_products, error);
  if (ok)
    {
      /* dealer1 has overrides on two favourites, so that per-dealer prices exist. */
      pick_favorites (&d);
      for (guint i = 0; i < 2; i++)
        {
          Dealer *dl = g_ptr_array_index (d.dealers, 2);
          Product *p = find_product (&d, dl->favorites[i]);
          g_autofree char *pid = g_strdup_printf ("pr-%s-%s", p->id, dl->id);

          ok = ok && put (&d, QD_SERVER_ENTITY_PRICE,
                          obj ("id", 's', pid, "product_id", 's', p->id, "level", 's', NULL,
                               "dealer_id", 's', dl->id,
                               "unit_price_fen", 'i', dealer_price (dl, p, TRUE), NULL),
                          error);
        }
    }
  PHASE ("catalog");
  ok = ok &&
       make_history (&d, n_order_lines, error) &&
       make_open_orders (&d, error) &&
       make_targets_and_policies (&d, error);
  PHASE ("orders");

  /* Credit limits follow the volume so that the big benchmark data set keeps headroom. */
  for (guint k = 0; ok && k < d.dealers->len; k++)
    {
      Dealer *dl = g_ptr_array_index (d.dealers, k);

      g_auto(QdServerDealer) info = { 0 };
      gint64 used;

      ok = qd_server_txn_recompute_dealer (d.txn, dl->id, error) &&
           qd_server_txn_get_dealer (d.txn, dl->id, &info, error);
      used = ok ? info.ledger_fen + info.open_orders_fen : 0;
      if (ok && used * 10 > info.credit_limit_fen * 4)
        ok = qd_server_txn_set_credit_limit (d.txn, dl->id, (used * 3 / 1000000 + 1) * 1000000,
                                             error);
    }
  ok = ok &&
       make_statements (&d, error) &&
       make_stock_reports (&d, error) &&
       make_users (&d, error);
  for (guint k = 0; ok && k < d.dealers->len; k++)
    ok = qd_server_txn_recompute_dealer (d.txn, ((Dealer *) g_ptr_array_index (d.dealers, k))->id,
                                         error);
  PHASE ("statements and stock");
  ok = ok && qd_server_txn_log_all (d.txn, error);
  PHASE ("change log");

  if (!ok)
    {
      qd_server_txn_rollback (d.txn);
      return FALSE;
    }
  ok = qd_server_txn_commit (d.txn, error);
  PHASE ("commit");
#undef PHASE
  return ok;
}
