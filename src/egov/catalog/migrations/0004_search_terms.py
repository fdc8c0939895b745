"""PostgreSQL: a term table for the catalogue search, and the name's sort key of SQLite (docs/search.md).

Broad queries ("cấp" matches three versions in four) were ranked by reading every matching row: matching
with ``LIKE`` on every entry, ranking and sorting all matches, a window count. ``catalog_search_term``
holds one row per (term, published version), with the entry's filter columns and its place in name order,
so that a page is read from index entries in order and stops after the page, and a count reads index
entries only:

- every **prefix** of every word of ``words`` ("c", "ca", "cap" for "cấp"), with ``in_name`` when it
  also begins a word of the name (``name_words``): ``LIKE '% cap%'`` on ``words`` is ``term = 'cap'``,
  on ``name_words`` it is ``term = 'cap' AND in_name``;
- ``'='`` + every **word** and every pair of **adjacent words** of the name as written (``name_phrase``):
  the phrase ``'% đăng ký %'`` is the term ``'=đăng ký'``.

``name_key`` is the name's Vietnamese sort key as SQLite computes it (``sort_key``, a byte 1, ``tone_key``:
migration 0003), so that both databases order names byte for byte the same way; the entry's listing by
name uses it too. Triggers on ``catalog_search_entry`` keep the terms (the entry's own triggers on the
versions keep the entry), so every path that writes a version keeps them right.

Nothing changes on SQLite, whose FTS5 tables already are such an index.
"""

from __future__ import annotations

import importlib

from django.db import migrations

_search = importlib.import_module("egov.catalog.migrations.0003_search_indexes")

_ENTRY_COLUMNS = f"{_search._PG_ENTRY_COLUMNS}, name_key"
_ENTRY_VALUES = f"{_search._PG_ENTRY_VALUES}, catalog_search_name_key({{v}}.name)"
_TERM_COLUMNS = "term, version_id, in_name, field_id, level, online_level, name_key"


def _name_key_function() -> str:
    lowered = 'lower($1 COLLATE "C")'  # ASCII letters only, as SQLite's lower(); the chains do the rest
    sort_key = _search._replace_chain(lowered, _search.sort_key_pairs())
    tone_key = _search._replace_chain(lowered, _search.tone_key_pairs())
    return (
        "CREATE FUNCTION catalog_search_name_key(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT"
        f" AS $$ SELECT ({sort_key}) || chr(1) || ({tone_key}) $$"
    )


_STATEMENTS = [
    _name_key_function(),
    # The terms of one entry: (term, in_name). Words are the entry's ' word word … ' columns.
    """CREATE FUNCTION catalog_search_terms(words text, name_words text, name_phrase text)
       RETURNS TABLE (term text, in_name boolean) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
         WITH name_prefixes AS (
           SELECT DISTINCT left(w, n) AS prefix
           FROM unnest(string_to_array(btrim(name_words), ' ')) AS w, generate_series(1, length(w)) AS n),
         phrase AS (SELECT string_to_array(btrim(name_phrase), ' ') AS words)
         SELECT p.term, EXISTS (SELECT 1 FROM name_prefixes WHERE prefix = p.term)
         FROM (SELECT DISTINCT left(w, n) AS term
               FROM unnest(string_to_array(btrim(words), ' ')) AS w, generate_series(1, length(w)) AS n) p
         UNION ALL
         SELECT DISTINCT '=' || w, true FROM phrase, unnest(phrase.words) AS w
         UNION ALL
         SELECT DISTINCT '=' || phrase.words[i] || ' ' || phrase.words[i + 1], true
         FROM phrase, generate_series(1, cardinality(phrase.words) - 1) AS i
       $$""",
    'ALTER TABLE catalog_search_entry ADD COLUMN name_key text COLLATE "C"',
    "UPDATE catalog_search_entry SET name_key = catalog_search_name_key(name)",
    "ALTER TABLE catalog_search_entry ALTER COLUMN name_key SET NOT NULL",
    "DROP INDEX IF EXISTS catalog_search_entry_name",
    "CREATE INDEX catalog_search_entry_name_key ON catalog_search_entry (name_key, version_id)",
    # A list without words counts the entries its filters let through: from this index alone.
    "CREATE INDEX catalog_search_entry_filters ON catalog_search_entry (level, online_level, field_id)",
    _search.pg_entry_sync("CREATE OR REPLACE", _ENTRY_COLUMNS, _ENTRY_VALUES),
    """CREATE TABLE catalog_search_term (
         term text COLLATE "C" NOT NULL,
         version_id bigint NOT NULL,
         in_name boolean NOT NULL,
         field_id bigint NOT NULL,
         level varchar(16) NOT NULL,
         online_level varchar(16) NOT NULL,
         name_key text COLLATE "C" NOT NULL,
         PRIMARY KEY (term, version_id) INCLUDE (in_name))""",
    # A page walks one term's rows in name order; a count reads them with the filters, index only.
    "CREATE INDEX catalog_search_term_order ON catalog_search_term (term, name_key, version_id)"
    " INCLUDE (in_name, field_id, level, online_level)",
    # The planner's guesses for "term = 'cap'" decide between walking and collecting: the most common
    # prefixes must be in the statistics.
    "ALTER TABLE catalog_search_term ALTER COLUMN term SET STATISTICS 1000",
    f"""CREATE FUNCTION catalog_search_term_sync() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           DELETE FROM catalog_search_term
           WHERE version_id = OLD.version_id
             AND term = ANY (ARRAY(SELECT t.term FROM catalog_search_terms(OLD.words, OLD.name_words,
                                                                          OLD.name_phrase) t));
         ELSE
           INSERT INTO catalog_search_term ({_TERM_COLUMNS})
           SELECT t.term, NEW.version_id, t.in_name, NEW.field_id, NEW.level, NEW.online_level, NEW.name_key
           FROM catalog_search_terms(NEW.words, NEW.name_words, NEW.name_phrase) t;
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER catalog_search_term_sync AFTER INSERT OR DELETE ON catalog_search_entry
       FOR EACH ROW EXECUTE FUNCTION catalog_search_term_sync()""",
    """CREATE FUNCTION catalog_search_term_clear() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN TRUNCATE catalog_search_term; RETURN NULL; END $$""",
    """CREATE TRIGGER catalog_search_term_clear AFTER TRUNCATE ON catalog_search_entry
       FOR EACH STATEMENT EXECUTE FUNCTION catalog_search_term_clear()""",
    f"""INSERT INTO catalog_search_term ({_TERM_COLUMNS})
       SELECT t.term, e.version_id, t.in_name, e.field_id, e.level, e.online_level, e.name_key
       FROM catalog_search_entry e, catalog_search_terms(e.words, e.name_words, e.name_phrase) t""",
]

_DROP = [
    "DROP TRIGGER IF EXISTS catalog_search_term_clear ON catalog_search_entry",
    "DROP TRIGGER IF EXISTS catalog_search_term_sync ON catalog_search_entry",
    "DROP FUNCTION IF EXISTS catalog_search_term_clear()",
    "DROP FUNCTION IF EXISTS catalog_search_term_sync()",
    "DROP TABLE IF EXISTS catalog_search_term",
    "DROP FUNCTION IF EXISTS catalog_search_terms(text, text, text)",
    _search.pg_entry_sync("CREATE OR REPLACE", _search._PG_ENTRY_COLUMNS, _search._PG_ENTRY_VALUES),
    "DROP INDEX IF EXISTS catalog_search_entry_name_key",
    "DROP INDEX IF EXISTS catalog_search_entry_filters",
    'CREATE INDEX catalog_search_entry_name ON catalog_search_entry (name COLLATE "vi-VN", version_id)',
    "ALTER TABLE catalog_search_entry DROP COLUMN IF EXISTS name_key",
    "DROP FUNCTION IF EXISTS catalog_search_name_key(text)",
]


def install(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in _STATEMENTS:
            schema_editor.execute(statement)


def uninstall(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in _DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_search_indexes"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
