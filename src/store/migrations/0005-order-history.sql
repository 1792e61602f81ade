-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Schema version 5: the status history of each order (issue 5).
--
-- The server's order carries only its current status, created_at and shipped_at, so the
-- client keeps the history itself (qd-store-history.c), one row per step, in the
-- transaction that made the step:
--
--   source 'local'    an event of this computer: queued (saved, or saved again after an
--                     edit), sent (handed to the server; removed again if the attempt
--                     failed), rejected (the server refused the submission). at = when.
--   source 'server'   a status whose time the server states: submitted and held at
--                     created_at, shipped at shipped_at. at is NULL for a status the order
--                     already had when this cache first saw it (the initial sync of an old
--                     order): the time is not known, and we do not invent one.
--   source 'observed' a status change the change feed (or a mutation's answer) brought;
--                     at = when this computer applied it, which is at most the time of the
--                     sync after the change.
--
-- Rows of one order are read in id order. No foreign key: a local order replaced by the
-- server's under another id hands its rows over (an UPDATE of order_id) before it goes; a
-- trigger removes the rows of an order that is deleted.

ALTER TABLE orders ADD COLUMN shipped_at TEXT;

CREATE TABLE order_status_history (
  id       INTEGER PRIMARY KEY,
  order_id TEXT NOT NULL,
  status   TEXT NOT NULL,
  at       TEXT,
  source   TEXT NOT NULL CHECK (source IN ('local', 'server', 'observed'))
);
CREATE INDEX order_status_history_order ON order_status_history (order_id, id);

CREATE TRIGGER orders_history_delete AFTER DELETE ON orders BEGIN
  DELETE FROM order_status_history WHERE order_id = old.id;
END;

-- Local orders already in the cache: saved at created_at, and rejected at a time not known.
-- The server's orders are filled by qd-store.c after this file (_qd_store_history_reconcile).
INSERT INTO order_status_history (order_id, status, at, source)
  SELECT id, 'queued', created_at, 'local' FROM orders WHERE is_local = 1 ORDER BY created_at;
INSERT INTO order_status_history (order_id, status, at, source)
  SELECT id, 'rejected', NULL, 'local' FROM orders WHERE is_local = 1 AND status = 'rejected';
