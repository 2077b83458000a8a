-- Foresight schema for PostgreSQL 15+, script 001: the tables every other script relies on.
--
--   foresight_schema_version  one row per applied script, so a tool (and the server at start-up) can tell which
--                             version a database has: SELECT max(version) FROM foresight_schema_version;
--   orleansquery              the query texts the Orleans AdoNet providers read at start-up (QueryKey -> QueryText).
--                             Orleans reads it with an unquoted, unqualified "SELECT QueryKey, QueryText FROM
--                             OrleansQuery", so it must be lower case and on the connection's search_path.
--
-- Every script is idempotent: applying it twice changes nothing. Objects are created unqualified, i.e. in the
-- first schema of the search_path (public by default; "Search Path=foresight" in the connection string to use
-- another). `foresight db init --connection ...` applies the scripts that are missing, in order, in one
-- transaction under an advisory lock; `psql -v ON_ERROR_STOP=1 -1 -f <script>` in order does the same by hand.

CREATE TABLE IF NOT EXISTS foresight_schema_version (
    version    integer     PRIMARY KEY,
    script     text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS orleansquery (
    querykey  varchar(64) PRIMARY KEY,
    querytext text        NOT NULL
);

INSERT INTO foresight_schema_version (version, script) VALUES (1, '001-main.sql') ON CONFLICT (version) DO NOTHING;
