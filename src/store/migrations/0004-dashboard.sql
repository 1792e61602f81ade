-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Schema version 4: a fast initial sync and the dashboards (issue 7).
--
-- 1. The search index triggers gain a condition, qd_feed_bulk() (a function qd-store.c
--    registers on every connection): it is true only inside a change-feed page applied in
--    bulk mode (the initial fill, see qd-store-feed.c), during which the two FTS5 indexes are
--    left alone and rebuilt once at the end — one pass over the catalog instead of two
--    index updates per product.
--
-- 2. Summary tables the dashboards read instead of order lines, kept up to date by
--    qd-store-feed.c in the transaction of each applied order (and rebuilt from the orders
--    at the end of a bulk fill). Purchases are orders with status shipped or completed:
--    what the brand has invoiced (statements are computed from shipped orders, and the
--    credit position counts the same statuses as invoiced). Submitted, held and approved
--    orders are not purchases yet (they may still be rejected or cancelled). An order
--    counts on the UTC date of its created_at, as everywhere in the cache.
--
--    purchases_daily: per dealer and day, the purchases and how many orders. By day rather
--    than by month so that growth compares the same dates of last year (month, quarter and
--    year to date), and the credit position can sum invoices since a statement.
--    purchases_category_monthly: per dealer, month and product category (the product's
--    category as the cache knows it; '' while the product is unknown), for the category mix.
--    Rows whose figures fall back to 0 (an order moved out of a counted status) are kept.
--
-- 3. Indexes the dealer views need: one dealer's orders newest first (a manager's dealer
--    page, the last order date, shipments between stock reports), the orders still open per
--    dealer (credit, held orders), and one dealer's stock reports by date.

DROP TRIGGER products_fts_insert;
DROP TRIGGER products_fts_delete;
DROP TRIGGER products_fts_update;
DROP TRIGGER products_short_insert;
DROP TRIGGER products_short_delete;
DROP TRIGGER products_short_update;

CREATE TRIGGER products_fts_insert AFTER INSERT ON products WHEN NOT qd_feed_bulk () BEGIN
  INSERT INTO products_fts (rowid, name, spec) VALUES (new.rowid, new.name, new.spec);
END;
CREATE TRIGGER products_fts_delete AFTER DELETE ON products WHEN NOT qd_feed_bulk () BEGIN
  INSERT INTO products_fts (products_fts, rowid, name, spec)
    VALUES ('delete', old.rowid, old.name, old.spec);
END;
CREATE TRIGGER products_fts_update AFTER UPDATE OF name, spec ON products
  WHEN (old.name IS NOT new.name OR old.spec IS NOT new.spec) AND NOT qd_feed_bulk () BEGIN
  INSERT INTO products_fts (products_fts, rowid, name, spec)
    VALUES ('delete', old.rowid, old.name, old.spec);
  INSERT INTO products_fts (rowid, name, spec) VALUES (new.rowid, new.name, new.spec);
END;

CREATE TRIGGER products_short_insert AFTER INSERT ON products WHEN NOT qd_feed_bulk () BEGIN
  INSERT INTO products_short (rowid, name) VALUES (new.rowid, new.name);
END;
CREATE TRIGGER products_short_delete AFTER DELETE ON products WHEN NOT qd_feed_bulk () BEGIN
  INSERT INTO products_short (products_short, rowid, name)
    VALUES ('delete', old.rowid, old.name);
END;
CREATE TRIGGER products_short_update AFTER UPDATE OF name ON products
  WHEN old.name IS NOT new.name AND NOT qd_feed_bulk () BEGIN
  INSERT INTO products_short (products_short, rowid, name)
    VALUES ('delete', old.rowid, old.name);
  INSERT INTO products_short (rowid, name) VALUES (new.rowid, new.name);
END;

CREATE TABLE purchases_daily (
  dealer_id  TEXT NOT NULL,
  day        TEXT NOT NULL,
  amount_fen INTEGER NOT NULL DEFAULT 0,
  orders     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (dealer_id, day)
) WITHOUT ROWID;

CREATE TABLE purchases_category_monthly (
  dealer_id  TEXT NOT NULL,
  month      TEXT NOT NULL,
  category   TEXT NOT NULL,
  amount_fen INTEGER NOT NULL DEFAULT 0,
  lines      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (dealer_id, month, category)
) WITHOUT ROWID;

-- qd-store.c fills both from the orders already cached (_qd_store_rebuild_summaries).

-- status and id ride along so that a dealer's shipments between two stock reports are read
-- from the index and the order lines alone (not from order rows spread over the file), and
-- total_fen and id so that the open orders (credit position, reorder) never visit the table.
CREATE INDEX orders_dealer ON orders (dealer_id, created_at, status, id);
CREATE INDEX orders_open ON orders (dealer_id, status, total_fen, id)
  WHERE status IN ('queued', 'sending', 'submitted', 'held', 'approved');
CREATE INDEX stock_reports_dealer ON stock_reports (dealer_id, as_of);
