-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Schema version 3: an index for 1- and 2-character name searches. The qd_short tokenizer
-- (qd-store-tokenizer.c, registered on every connection) indexes single characters and pairs,
-- which the trigram index cannot match; without it such searches scanned every product
-- (~10 ms at 100,000 products when little matches). Names only, and detail=none (queries are
-- always one token): it costs ~12 µs per product applied; spec is searched from 3 characters.

CREATE VIRTUAL TABLE products_short USING fts5 (
  name,
  content = 'products',
  content_rowid = 'rowid',
  tokenize = 'qd_short',
  detail = none
);

CREATE TRIGGER products_short_insert AFTER INSERT ON products BEGIN
  INSERT INTO products_short (rowid, name) VALUES (new.rowid, new.name);
END;
CREATE TRIGGER products_short_delete AFTER DELETE ON products BEGIN
  INSERT INTO products_short (products_short, rowid, name)
    VALUES ('delete', old.rowid, old.name);
END;
CREATE TRIGGER products_short_update AFTER UPDATE OF name ON products
  WHEN old.name IS NOT new.name BEGIN
  INSERT INTO products_short (products_short, rowid, name)
    VALUES ('delete', old.rowid, old.name);
  INSERT INTO products_short (rowid, name) VALUES (new.rowid, new.name);
END;

INSERT INTO products_short (products_short) VALUES ('rebuild');
