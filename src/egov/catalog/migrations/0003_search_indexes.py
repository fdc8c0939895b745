"""Search indexes for the public catalogue (docs/search.md). Both databases get ``catalog_search_entry``,
one small row per *published* version (version_id = the version's id) kept in sync by triggers on
``catalog_procedureversion``, with the filter columns, so that a search reads a narrow table instead of
the wide versions table. Only the parts that match differ:

SQLite (3.40: no trigram ``remove_diacritics``, stack.md pitfall 3)
    - ``catalog_search`` (FTS5, ``unicode61 remove_diacritics 2``): ``body`` = ``search_text`` (folded
      in Python by ``egov.core.text.fold``) and ``name`` = the name with đ/Đ replaced by d/D: đ has no
      Unicode decomposition, so the tokenizer keeps it, while it removes every other mark.
    - ``catalog_search_exact`` (FTS5, ``remove_diacritics 0``): the name as written, case-folded only,
      for the rank "the phrase with its diacritics in the name".
    - ``catalog_search_entry.sort_key`` / ``tone_key``: the name's Vietnamese sort keys (letters a ă â b
      … đ …, tones only as a tie-break), computed by ``replace()`` so that the triggers need no Python.

    On SQLite, Django *remakes* a table for most ``AlterField`` operations (new table, copy, drop,
    rename), and dropping the old table drops its triggers. A later migration that remakes
    ``catalog_procedureversion`` must call ``install_sqlite`` from this module again; ``test_search.py``
    fails if the triggers are missing.

PostgreSQL
    ``unaccent`` and ``pg_trgm`` (trusted extensions since PG 13: the database owner may create them); an
    IMMUTABLE ``f_unaccent`` wrapper; the ICU collation ``"vi-VN"`` (a copy of "C" where the server has
    no ICU, so that the SQL works everywhere). The entry keeps the name's words three ways, each as
    ``' word word … '`` so that ``LIKE '% cap%'`` means "a word starting with cap": ``words`` from
    ``search_text``, ``name_words`` folded by ``f_unaccent``, ``name_phrase`` lower-case with diacritics.
    A trigram GIN index serves ``words``; a B-tree on ``name COLLATE "vi-VN"`` serves listing by name.
"""

from __future__ import annotations

import unicodedata

from django.db import migrations

# --- SQLite ----------------------------------------------------------------------------------------------

# Each letter's place in the alphabet: its base letter plus 0-2 "~" (ă = a~, â = a~~). "~" sorts after
# every ASCII letter and digit, so in plain binary order "ab" < "ă" < "âb", as in Vietnamese.
_SHAPES = {
    "a": "a",
    "ă": "a~",
    "â": "a~~",
    "e": "e",
    "ê": "e~",
    "i": "i",
    "o": "o",
    "ô": "o~",
    "ơ": "o~~",
    "u": "u",
    "ư": "u~",
    "y": "y",
}
_TONE_MARKS = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # ngang huyền hỏi ngã sắc nặng
CHUNK = 20  # SQLite's parser holds about 30 nested calls: the replacements run in steps


def _letters() -> list[tuple[str, str, str]]:
    """(character, sort key, tone digit) for every precomposed Vietnamese vowel in both cases, and đ."""
    rows = [("đ", "d~", ""), ("Đ", "d~", "")]
    for vowel, key in _SHAPES.items():
        for tone, mark in enumerate(_TONE_MARKS):
            lower = unicodedata.normalize("NFC", vowel + mark)
            rows += [(lower, key, str(tone)), (lower.upper(), key, str(tone))]
    return rows


def sort_key_pairs() -> list[tuple[str, str]]:
    """Applied after SQLite's lower(), which folds ASCII only: letters in alphabetical order, no tones."""
    return [(char, key) for char, key, _tone in _letters() if not char.isascii()]


def tone_key_pairs() -> list[tuple[str, str]]:
    """One character per character of the name: each vowel becomes its tone (0 = none … 5 = nặng), the
    rest stay. It only decides between names with equal sort keys, whose letters line up."""
    return [
        (char, tone) for char, _key, tone in _letters() if tone and (char.islower() or not char.isascii())
    ]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _replace_chain(expression: str, pairs: list[tuple[str, str]]) -> str:
    for old, new in pairs:
        expression = f"replace({expression}, {_quote(old)}, {_quote(new)})"
    return expression


def _key_updates(where: str) -> list[str]:
    """Turn the lower-cased names just put in catalog_search_entry into their two keys."""
    sort_pairs, tone_pairs = sort_key_pairs(), tone_key_pairs()
    statements = []
    for start in range(0, max(len(sort_pairs), len(tone_pairs)), CHUNK):
        assignments = [
            f"{column} = {_replace_chain(column, pairs[start : start + CHUNK])}"
            for column, pairs in (("sort_key", sort_pairs), ("tone_key", tone_pairs))
            if pairs[start : start + CHUNK]
        ]
        statements.append(f"UPDATE catalog_search_entry SET {', '.join(assignments)}{where}")
    return statements


def _sqlite_inserts(prefix: str) -> list[str]:
    """The rows of one version (``prefix`` = "new.") or of all of them (``prefix`` = "")."""
    return [
        "INSERT INTO catalog_search(rowid, name, body) "
        f"SELECT {prefix}id, replace(replace({prefix}name, 'đ', 'd'), 'Đ', 'D'), {prefix}search_text",
        f"INSERT INTO catalog_search_exact(rowid, name) SELECT {prefix}id, {prefix}name",
        "INSERT INTO catalog_search_entry(version_id, field_id, level, online_level, sort_key, tone_key) "
        f"SELECT {prefix}id, {prefix}field_id, {prefix}level, {prefix}online_level, "
        f"lower({prefix}name), lower({prefix}name)",
    ]


_SQLITE_DELETE = (
    "DELETE FROM catalog_search WHERE rowid = old.id; "
    "DELETE FROM catalog_search_exact WHERE rowid = old.id; "
    "DELETE FROM catalog_search_entry WHERE version_id = old.id;"
)
_WATCHED = "status, name, search_text, field_id, level, online_level"


def _sqlite_statements() -> list[str]:
    new_rows = " ".join(
        [
            *(f"{statement} WHERE new.status = 'published';" for statement in _sqlite_inserts("new.")),
            *(f"{statement};" for statement in _key_updates(" WHERE version_id = new.id")),
        ]
    )
    return [
        "CREATE VIRTUAL TABLE catalog_search USING fts5("
        "name, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
        "CREATE VIRTUAL TABLE catalog_search_exact USING fts5(name, tokenize = 'unicode61 remove_diacritics 0')",
        "CREATE TABLE catalog_search_entry (version_id INTEGER PRIMARY KEY, field_id INTEGER NOT NULL, "
        "level TEXT NOT NULL, online_level TEXT NOT NULL, sort_key TEXT NOT NULL, tone_key TEXT NOT NULL)",
        "CREATE INDEX catalog_search_entry_order ON catalog_search_entry (sort_key, tone_key, version_id)",
        "CREATE INDEX catalog_search_entry_field ON catalog_search_entry (field_id)",
        f"CREATE TRIGGER catalog_search_insert AFTER INSERT ON catalog_procedureversion BEGIN {new_rows} END",
        f"CREATE TRIGGER catalog_search_update AFTER UPDATE OF {_WATCHED} ON catalog_procedureversion "
        f"BEGIN {_SQLITE_DELETE} {new_rows} END",
        f"CREATE TRIGGER catalog_search_delete AFTER DELETE ON catalog_procedureversion BEGIN {_SQLITE_DELETE} END",
        *(
            f"{statement} FROM catalog_procedureversion WHERE status = 'published'"
            for statement in _sqlite_inserts("")
        ),
        *_key_updates(""),
    ]


def _sqlite_drop() -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS catalog_search_insert",
        "DROP TRIGGER IF EXISTS catalog_search_update",
        "DROP TRIGGER IF EXISTS catalog_search_delete",
        "DROP TABLE IF EXISTS catalog_search",
        "DROP TABLE IF EXISTS catalog_search_exact",
        "DROP TABLE IF EXISTS catalog_search_entry",
    ]


def install_sqlite(schema_editor) -> None:
    """(Re)create the SQLite search tables and triggers, filled from the published versions."""
    for statement in _sqlite_drop() + _sqlite_statements():
        schema_editor.execute(statement)


# --- PostgreSQL ------------------------------------------------------------------------------------------

# The entry's columns from a version row (``v`` = NEW in the trigger, the table in the initial fill).
# COLLATE "vi-VN" makes lower() and [:alnum:] follow ICU whatever the database's own locale is.
_PG_ENTRY_COLUMNS = "version_id, field_id, words, level, online_level, name_words, name_phrase, name"
_PG_ENTRY_VALUES = """
    {v}.id, {v}.field_id,
    catalog_search_words({v}.search_text),
    {v}.level, {v}.online_level,
    catalog_search_words(lower(f_unaccent(normalize({v}.name, NFC)))),
    catalog_search_words(lower(normalize({v}.name, NFC) COLLATE "vi-VN")),
    {v}.name
"""


def pg_entry_sync(verb: str, columns: str, values: str) -> str:
    """The trigger function that keeps the entry of a version (``values`` with ``{v}`` for the row);
    migration 0004 replaces it with one more column."""
    return f"""{verb} FUNCTION catalog_search_entry_sync() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP <> 'INSERT' THEN
           DELETE FROM catalog_search_entry WHERE version_id = OLD.id;
         END IF;
         IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
           INSERT INTO catalog_search_entry ({columns}) VALUES ({values.format(v="NEW")});
         END IF;
         RETURN NULL;
       END $$"""


_PG_STATEMENTS = [
    """CREATE FUNCTION catalog_search_words(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT ' ' || regexp_replace($1 COLLATE "vi-VN", '[^[:alnum:]]+', ' ', 'g') || ' ' $$""",
    # Every search reads "words" on every candidate row: it comes first after the fixed-width columns.
    """CREATE TABLE catalog_search_entry (
         version_id bigint PRIMARY KEY,
         field_id bigint NOT NULL,
         words text NOT NULL,
         level varchar(16) NOT NULL,
         online_level varchar(16) NOT NULL,
         name_words text NOT NULL,
         name_phrase text NOT NULL,
         name varchar(500) NOT NULL)""",
    # fastupdate off: new entries go straight into the index instead of a pending list that every search
    # scans until the next VACUUM. The catalogue changes rarely; searches are what must be fast.
    "CREATE INDEX catalog_search_entry_words ON catalog_search_entry USING gin (words gin_trgm_ops)"
    " WITH (fastupdate = off)",
    'CREATE INDEX catalog_search_entry_name ON catalog_search_entry (name COLLATE "vi-VN", version_id)',
    "CREATE INDEX catalog_search_entry_field ON catalog_search_entry (field_id)",
    pg_entry_sync("CREATE", _PG_ENTRY_COLUMNS, _PG_ENTRY_VALUES),
    f"""CREATE TRIGGER catalog_search_entry_sync
       AFTER INSERT OR DELETE OR UPDATE OF {_WATCHED} ON catalog_procedureversion
       FOR EACH ROW EXECUTE FUNCTION catalog_search_entry_sync()""",
    # Django's flush (tests) empties tables with TRUNCATE, which fires no row trigger.
    """CREATE FUNCTION catalog_search_entry_clear() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN TRUNCATE catalog_search_entry; RETURN NULL; END $$""",
    """CREATE TRIGGER catalog_search_entry_clear AFTER TRUNCATE ON catalog_procedureversion
       FOR EACH STATEMENT EXECUTE FUNCTION catalog_search_entry_clear()""",
    f"""INSERT INTO catalog_search_entry ({_PG_ENTRY_COLUMNS})
       SELECT {_PG_ENTRY_VALUES.format(v="catalog_procedureversion")}
       FROM catalog_procedureversion WHERE status = 'published'""",
]

_PG_DROP = [
    "DROP TRIGGER IF EXISTS catalog_search_entry_clear ON catalog_procedureversion",
    "DROP TRIGGER IF EXISTS catalog_search_entry_sync ON catalog_procedureversion",
    "DROP FUNCTION IF EXISTS catalog_search_entry_clear()",
    "DROP FUNCTION IF EXISTS catalog_search_entry_sync()",
    "DROP TABLE IF EXISTS catalog_search_entry",
    "DROP FUNCTION IF EXISTS catalog_search_words(text)",
]


def install_postgresql(schema_editor) -> None:
    execute = schema_editor.execute
    execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'unaccent'"
        )
        schema = cursor.fetchone()[0]
        cursor.execute("SELECT 1 FROM pg_collation WHERE collprovider = 'i' LIMIT 1")
        has_icu = cursor.fetchone() is not None
        cursor.execute(
            "SELECT 1 FROM pg_collation WHERE collname = 'vi-VN' AND collnamespace = 'public'::regnamespace"
        )
        has_collation = cursor.fetchone() is not None
    # unaccent() is only STABLE (it finds its dictionary through search_path); naming the dictionary with
    # its schema makes the result depend on the argument alone, so IMMUTABLE is truthful (stack.md).
    execute(
        "CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT"
        f' AS $$ SELECT "{schema}".unaccent(\'"{schema}".unaccent\'::regdictionary, $1) $$'
    )
    if not has_collation:
        if has_icu:
            execute("CREATE COLLATION \"vi-VN\" (provider = icu, locale = 'vi-VN')")
        else:
            execute('CREATE COLLATION "vi-VN" FROM "C"')
    for statement in _PG_STATEMENTS:
        execute(statement)


def install(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        install_sqlite(schema_editor)
    elif vendor == "postgresql":
        install_postgresql(schema_editor)


def uninstall(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    # f_unaccent, the collation and the extensions may serve others by then: they stay.
    for statement in _sqlite_drop() if vendor == "sqlite" else _PG_DROP if vendor == "postgresql" else []:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_alter_procedureversion_result_type_code"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
