-- SPDX-License-Identifier: GPL-3.0-or-later
-- qudao-server schema, version 2: an applied mutation's result refers to its audit entry.
--
-- Until version 1 every applied order was stored three times in one transaction: the feed
-- object in the change log, the whole answer in `mutations.result` and the after-image in
-- the audit log. The audit log is append-only, so its after-image never changes and is
-- exactly the entity the first answer carried: an applied result now keeps only a
-- reference to it (`audit_id`) and the members added to the answered entity (`extra`,
-- e.g. "repriced":false). A rejection (no audit after-image) still keeps its whole answer
-- in `result`. Rows written by version 1 keep their text.

CREATE TABLE mutations_v2 (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL,
  body_hash  BLOB NOT NULL,
  result     TEXT,
  audit_id   INTEGER,
  extra      TEXT,
  applied_at INTEGER NOT NULL,
  CHECK ((result IS NULL) <> (audit_id IS NULL))
) WITHOUT ROWID;

INSERT INTO mutations_v2 (id, user_id, body_hash, result, applied_at)
  SELECT id, user_id, body_hash, result, applied_at FROM mutations;
DROP TABLE mutations;
ALTER TABLE mutations_v2 RENAME TO mutations;
