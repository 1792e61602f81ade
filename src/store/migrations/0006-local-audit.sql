-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Schema version 6: the local audit log (issue 6).
--
-- Discarding a change the brand rejected removes its outbox row (and the local order or
-- stock report it created) for good. The note of what was thrown away and why is kept
-- here, written in the transaction of the discard, so there is never a discard without
-- its note nor a note without its discard. It was a text file beside the cache before:
-- a second file to lose, and a write that could fail after the discard had committed.
--
-- Versions 5 and 6 are other branches' (order history, dashboards); a cache passes
-- through them in order once they are merged.

CREATE TABLE local_audit (
  id              INTEGER PRIMARY KEY,
  at              INTEGER NOT NULL,   -- Unix ms, UTC
  action          TEXT    NOT NULL,   -- 'discard'
  mutation_id     TEXT    NOT NULL,   -- the outbox row's UUID
  mutation_type   TEXT    NOT NULL,   -- 'order.submit', …
  entity_id       TEXT,               -- the order, report or statement concerned
  reject_code     TEXT,               -- the server's reason, as it rejected the change
  reject_message  TEXT,
  payload         TEXT                -- what would have been sent (JSON), for support
);

CREATE INDEX local_audit_at ON local_audit (at);
