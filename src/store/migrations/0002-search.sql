-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Schema version 2: catalog search. Lower-cased keys for case-insensitive prefix search on SKU,
-- and the abbreviation key (助记码 when the product has one, otherwise pinyin initials computed
-- by the client with ICU; NULL until qd-store.c computes it after the migration), each with an
-- index; a trigram FTS5 index over name and spec for Chinese substrings, kept in step with the
-- products table by triggers.

ALTER TABLE products ADD COLUMN sku_key TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN abbr TEXT;
UPDATE products SET sku_key = lower(sku);

CREATE INDEX products_sku_key ON products (sku_key);
CREATE INDEX products_barcode ON products (barcode);
CREATE INDEX products_abbr ON products (abbr);

CREATE VIRTUAL TABLE products_fts USING fts5 (
  name, spec,
  content = 'products',
  content_rowid = 'rowid',
  tokenize = 'trigram'
);

CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
  INSERT INTO products_fts (rowid, name, spec) VALUES (new.rowid, new.name, new.spec);
END;
CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
  INSERT INTO products_fts (products_fts, rowid, name, spec)
    VALUES ('delete', old.rowid, old.name, old.spec);
END;
CREATE TRIGGER products_fts_update AFTER UPDATE OF name, spec ON products
  WHEN old.name IS NOT new.name OR old.spec IS NOT new.spec BEGIN
  INSERT INTO products_fts (products_fts, rowid, name, spec)
    VALUES ('delete', old.rowid, old.name, old.spec);
  INSERT INTO products_fts (rowid, name, spec) VALUES (new.rowid, new.name, new.spec);
END;

INSERT INTO products_fts (products_fts) VALUES ('rebuild');
