-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Schema version 1 of the client cache: the feed entities, local orders, the outbox and the
-- sync metadata. Applied in one transaction by qd-store.c; PRAGMA user_version is set there.
--
-- Server data (is_local = 0) is what the change feed delivered and can always be rebuilt by a
-- full resync. Local work (is_local = 1 rows, the outbox, the cart) exists nowhere else and
-- survives a reset of the feed.

CREATE TABLE sync_meta (
  key   TEXT PRIMARY KEY,
  value
) WITHOUT ROWID;

CREATE TABLE regions (
  id   TEXT PRIMARY KEY,
  name TEXT NOT NULL
);

CREATE TABLE dealers (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  level            TEXT NOT NULL,
  parent_id        TEXT,
  region_id        TEXT,
  credit_limit_fen INTEGER NOT NULL DEFAULT 0,
  active           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX dealers_region ON dealers (region_id);

CREATE TABLE products (
  id          TEXT NOT NULL UNIQUE,
  sku         TEXT NOT NULL,
  name        TEXT NOT NULL,
  spec        TEXT NOT NULL DEFAULT '',
  category    TEXT NOT NULL DEFAULT '',
  unit        TEXT NOT NULL DEFAULT '',
  pack_size   INTEGER NOT NULL DEFAULT 1,
  barcode     TEXT NOT NULL DEFAULT '',
  mnemonic    TEXT NOT NULL DEFAULT '',
  lot_tracked INTEGER NOT NULL DEFAULT 0,
  active      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX products_category ON products (category);

CREATE TABLE prices (
  id             TEXT PRIMARY KEY,
  product_id     TEXT NOT NULL,
  level          TEXT,
  dealer_id      TEXT,
  unit_price_fen INTEGER NOT NULL
);
CREATE INDEX prices_product ON prices (product_id);

-- status: 'queued' and 'sending' (local, not yet acknowledged), 'rejected' with the server's
-- code and message for a local order the server refused, or the server's status.
CREATE TABLE orders (
  id                 TEXT PRIMARY KEY,
  number             TEXT,
  dealer_id          TEXT,
  status             TEXT NOT NULL,
  created_at         TEXT NOT NULL,
  client_order_id    TEXT,
  note               TEXT NOT NULL DEFAULT '',
  requested_date     TEXT,
  total_fen          INTEGER NOT NULL DEFAULT 0,
  expected_total_fen INTEGER,
  repriced           INTEGER NOT NULL DEFAULT 0,
  held_reason        TEXT,
  is_local           INTEGER NOT NULL DEFAULT 0,
  reject_code        TEXT,
  reject_message     TEXT
);
-- Only the index the order list sorts by: every index costs on each of the hundreds of
-- thousands of orders an initial sync writes, and filters by status or number run over the
-- created_at order anyway.
CREATE INDEX orders_created ON orders (created_at);

CREATE TABLE order_lines (
  order_id       TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  position       INTEGER NOT NULL,
  product_id     TEXT NOT NULL,
  qty            INTEGER NOT NULL,
  unit_price_fen INTEGER NOT NULL DEFAULT 0,
  total_fen      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (order_id, position)
) WITHOUT ROWID;
CREATE INDEX order_lines_product ON order_lines (product_id);

CREATE TABLE stock_reports (
  id             TEXT PRIMARY KEY,
  dealer_id      TEXT,
  as_of          TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'submitted',
  is_local       INTEGER NOT NULL DEFAULT 0,
  reject_code    TEXT,
  reject_message TEXT
);
CREATE INDEX stock_reports_as_of ON stock_reports (as_of);

CREATE TABLE stock_report_lines (
  report_id  TEXT NOT NULL REFERENCES stock_reports (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  product_id TEXT NOT NULL,
  qty        INTEGER NOT NULL,
  lot        TEXT,
  expiry     TEXT,
  PRIMARY KEY (report_id, position)
) WITHOUT ROWID;

CREATE TABLE statements (
  id                  TEXT PRIMARY KEY,
  dealer_id           TEXT,
  period              TEXT NOT NULL,
  version             INTEGER NOT NULL,
  status              TEXT NOT NULL,
  opening_balance_fen INTEGER NOT NULL,
  closing_balance_fen INTEGER NOT NULL
);
CREATE INDEX statements_period ON statements (dealer_id, period);

CREATE TABLE statement_lines (
  statement_id    TEXT NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
  position        INTEGER NOT NULL,
  line_id         TEXT NOT NULL,
  date            TEXT NOT NULL,
  kind            TEXT NOT NULL,
  ref             TEXT NOT NULL DEFAULT '',
  amount_fen      INTEGER NOT NULL,
  disputed_reason TEXT,
  PRIMARY KEY (statement_id, position)
) WITHOUT ROWID;

CREATE TABLE payments (
  id         TEXT PRIMARY KEY,
  dealer_id  TEXT,
  date       TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  method     TEXT NOT NULL DEFAULT '',
  ref        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX payments_dealer ON payments (dealer_id, date);

CREATE TABLE targets (
  id         TEXT PRIMARY KEY,
  dealer_id  TEXT,
  period     TEXT NOT NULL,
  amount_fen INTEGER NOT NULL
);
CREATE INDEX targets_dealer ON targets (dealer_id, period);

CREATE TABLE rebate_policies (
  id     TEXT PRIMARY KEY,
  level  TEXT,
  period TEXT NOT NULL
);

CREATE TABLE rebate_tiers (
  policy_id     TEXT NOT NULL REFERENCES rebate_policies (id) ON DELETE CASCADE,
  position      INTEGER NOT NULL,
  threshold_fen INTEGER NOT NULL,
  rate_bp       INTEGER NOT NULL,
  PRIMARY KEY (policy_id, position)
) WITHOUT ROWID;

-- Mutations waiting for the server. seq keeps creation order, which is the order of sending.
-- next_attempt_at and claim_expiry are Unix times in milliseconds.
CREATE TABLE outbox (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  id              TEXT NOT NULL UNIQUE,
  type            TEXT NOT NULL,
  entity_id       TEXT,
  payload         TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  state           TEXT NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'claimed', 'rejected')),
  claim_owner     TEXT,
  claim_expiry    INTEGER,
  reject_code     TEXT,
  reject_message  TEXT
);
CREATE INDEX outbox_state ON outbox (state, seq);
CREATE INDEX outbox_entity ON outbox (entity_id);

-- The cart survives restarts and resyncs.
CREATE TABLE cart_lines (
  product_id TEXT PRIMARY KEY,
  qty        INTEGER NOT NULL CHECK (qty > 0),
  added_at   INTEGER NOT NULL
);
