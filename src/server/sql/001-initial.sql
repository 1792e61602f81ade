-- SPDX-License-Identifier: GPL-3.0-or-later
-- qudao-server schema, version 1. Applied in one transaction; PRAGMA user_version = 1 after.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Named counters: order numbers per day ("order:20261124").
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);

CREATE TABLE regions (
  id   TEXT PRIMARY KEY,
  name TEXT NOT NULL
);

-- ledger_fen (invoiced − paid − rebates + adjustments) and open_orders_fen (orders
-- submitted, held or approved) are kept denormalised so that a credit check is one row.
CREATE TABLE dealers (
  id                 TEXT PRIMARY KEY,
  name               TEXT NOT NULL,
  level              TEXT NOT NULL CHECK (level IN ('general_agent', 'provincial', 'regional')),
  parent_id          TEXT REFERENCES dealers (id),
  region_id          TEXT NOT NULL REFERENCES regions (id),
  credit_limit_fen   INTEGER NOT NULL CHECK (credit_limit_fen >= 0),
  hold_threshold_fen INTEGER NOT NULL DEFAULT 0,
  active             INTEGER NOT NULL DEFAULT 1,
  ledger_fen         INTEGER NOT NULL DEFAULT 0,
  open_orders_fen    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE products (
  id           TEXT PRIMARY KEY,
  sku          TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  spec         TEXT NOT NULL DEFAULT '',
  category     TEXT NOT NULL DEFAULT '',
  unit         TEXT NOT NULL DEFAULT '',
  pack_size    INTEGER NOT NULL DEFAULT 1 CHECK (pack_size >= 1),
  max_line_qty INTEGER NOT NULL DEFAULT 100000 CHECK (max_line_qty >= 1),
  barcode      TEXT NOT NULL DEFAULT '',
  mnemonic     TEXT NOT NULL DEFAULT '',
  lot_tracked  INTEGER NOT NULL DEFAULT 0,
  active       INTEGER NOT NULL DEFAULT 1
);

-- A price is either a level price list entry or a per-dealer override, never both.
CREATE TABLE prices (
  id             TEXT PRIMARY KEY,
  product_id     TEXT NOT NULL REFERENCES products (id),
  level          TEXT,
  dealer_id      TEXT REFERENCES dealers (id),
  unit_price_fen INTEGER NOT NULL CHECK (unit_price_fen >= 0),
  CHECK ((level IS NULL) <> (dealer_id IS NULL))
);
CREATE UNIQUE INDEX prices_by_level ON prices (product_id, level) WHERE level IS NOT NULL;
CREATE UNIQUE INDEX prices_by_dealer ON prices (product_id, dealer_id) WHERE dealer_id IS NOT NULL;

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('dealer', 'manager', 'admin')),
  dealer_id     TEXT REFERENCES dealers (id),
  password_hash TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE user_regions (
  user_id   TEXT NOT NULL REFERENCES users (id),
  region_id TEXT NOT NULL REFERENCES regions (id),
  PRIMARY KEY (user_id, region_id)
) WITHOUT ROWID;

-- Tokens are stored as SHA-256 digests only; times are Unix seconds.
CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (id),
  device     TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE orders (
  id              TEXT PRIMARY KEY,
  number          TEXT NOT NULL UNIQUE,
  dealer_id       TEXT NOT NULL REFERENCES dealers (id),
  status          TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  client_order_id TEXT,
  note            TEXT,
  requested_date  TEXT,
  total_fen       INTEGER NOT NULL,
  held_reason     TEXT,
  shipped_at      TEXT
);
CREATE INDEX orders_by_dealer_status ON orders (dealer_id, status);
CREATE INDEX orders_by_dealer_shipped ON orders (dealer_id, shipped_at);

-- dealer_id and created_at are copied from the order so that the hold rule's history
-- ("this dealer's quantity of this product over six months") is one index range.
CREATE TABLE order_lines (
  order_id       TEXT NOT NULL REFERENCES orders (id),
  line_no        INTEGER NOT NULL,
  product_id     TEXT NOT NULL REFERENCES products (id),
  qty            INTEGER NOT NULL,
  unit_price_fen INTEGER NOT NULL,
  total_fen      INTEGER NOT NULL,
  dealer_id      TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (order_id, line_no)
) WITHOUT ROWID;

-- Quantity ordered per dealer, product and month (orders not cancelled or rejected): the
-- hold rule's history ("average monthly quantity over six months") reads at most seven
-- rows instead of every line the dealer ever ordered.
CREATE TABLE order_history (
  dealer_id  TEXT NOT NULL,
  product_id TEXT NOT NULL,
  month      TEXT NOT NULL,
  qty        INTEGER NOT NULL,
  PRIMARY KEY (dealer_id, product_id, month)
) WITHOUT ROWID;

CREATE TABLE stock_reports (
  id         TEXT PRIMARY KEY,
  dealer_id  TEXT NOT NULL REFERENCES dealers (id),
  as_of      TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE stock_report_lines (
  report_id  TEXT NOT NULL REFERENCES stock_reports (id),
  line_no    INTEGER NOT NULL,
  product_id TEXT NOT NULL REFERENCES products (id),
  qty        INTEGER NOT NULL,
  lot        TEXT,
  expiry     TEXT,
  PRIMARY KEY (report_id, line_no)
) WITHOUT ROWID;

CREATE TABLE payments (
  id         TEXT PRIMARY KEY,
  dealer_id  TEXT NOT NULL REFERENCES dealers (id),
  date       TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  method     TEXT NOT NULL,
  ref        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX payments_by_dealer ON payments (dealer_id, date);

-- Manual adjustments by the brand: positive raises what the dealer owes.
CREATE TABLE adjustments (
  id         TEXT PRIMARY KEY,
  dealer_id  TEXT NOT NULL REFERENCES dealers (id),
  date       TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  ref        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX adjustments_by_dealer ON adjustments (dealer_id, date);

CREATE TABLE targets (
  id         TEXT PRIMARY KEY,
  dealer_id  TEXT NOT NULL REFERENCES dealers (id),
  period     TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  UNIQUE (dealer_id, period)
);

-- tiers: the JSON array [{"threshold_fen", "rate_bp"}] ascending by threshold.
CREATE TABLE rebate_policies (
  id     TEXT PRIMARY KEY,
  level  TEXT NOT NULL,
  period TEXT NOT NULL,
  tiers  TEXT NOT NULL,
  UNIQUE (level, period)
);

CREATE TABLE statements (
  id                  TEXT PRIMARY KEY,
  dealer_id           TEXT NOT NULL REFERENCES dealers (id),
  period              TEXT NOT NULL,
  version             INTEGER NOT NULL,
  status              TEXT NOT NULL,
  opening_balance_fen INTEGER NOT NULL,
  closing_balance_fen INTEGER NOT NULL,
  issued_at           TEXT NOT NULL,
  UNIQUE (dealer_id, period)
);

-- The lines of the current version of each statement.
CREATE TABLE statement_lines (
  statement_id    TEXT NOT NULL REFERENCES statements (id),
  line_id         TEXT NOT NULL,
  line_no         INTEGER NOT NULL,
  date            TEXT NOT NULL,
  kind            TEXT NOT NULL,
  ref             TEXT NOT NULL,
  amount_fen      INTEGER NOT NULL,
  disputed_reason TEXT,
  PRIMARY KEY (statement_id, line_id)
) WITHOUT ROWID;

-- The change log. One row per entity (the latest change; older rows are replaced), a
-- tombstone for a delete. AUTOINCREMENT so that a replaced row never gets a seq again.
-- dealer_id / level / region_id are the scope columns the feed filters on.
CREATE TABLE changes (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  entity     TEXT NOT NULL,
  entity_id  TEXT NOT NULL,
  op         TEXT NOT NULL,
  dealer_id  TEXT,
  level      TEXT,
  region_id  TEXT,
  data       TEXT,
  changed_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX changes_by_entity ON changes (entity, entity_id);

-- Idempotency: the first result of every mutation id.
CREATE TABLE mutations (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL,
  body_hash  BLOB NOT NULL,
  result     TEXT NOT NULL,
  applied_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE audit (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  at       TEXT NOT NULL,
  user_id  TEXT,
  username TEXT,
  address  TEXT,
  action   TEXT NOT NULL,
  target   TEXT,
  before   TEXT,
  after    TEXT,
  detail   TEXT
);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE (ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
  SELECT RAISE (ABORT, 'the audit log is append-only');
END;
