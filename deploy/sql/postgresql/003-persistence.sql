-- Foresight schema, script 003: Orleans AdoNet grain storage (Microsoft.Orleans.Persistence.AdoNet, invariant
-- Npgsql) for every storage provider Foresight uses (jobs, workflows, workers, models, profiles, PubSubStore).
--
-- A record is one grain's state under one state name (GrainTypeString, e.g. "job", "scheduler") in one service.
-- Its identity is the two hashes Orleans computes plus ServiceId, GrainTypeString, GrainIdN0, GrainIdN1 and
-- GrainIdExtensionString (NULL equal to NULL). The hashes may collide, so every query compares all identity columns
-- too; keeping the key-bytes hash (GrainIdHash) in the identity also keeps apart string keys that Orleans parses to
-- the same integer ("0123" and "123", dotnet/orleans#9706).
-- A unique index declared NULLS NOT DISTINCT makes a second first-write of the same record a no-op instead of a
-- duplicate row (which would make every later read of that grain fail).
--
-- Versions are the ETags: a first write inserts version 1; every write, clear or delete must present the version it
-- read. A mismatch is answered with NULL / no row, never an error: Orleans turns it into InconsistentStateException.
-- The payload is what the silo's grain storage serializer produced (Foresight uses the Orleans binary serializer).

CREATE TABLE IF NOT EXISTS orleans_storage (
    grainidhash            integer     NOT NULL,
    grainidn0              bigint      NOT NULL,
    grainidn1              bigint      NOT NULL,
    graintypehash          integer     NOT NULL,
    graintypestring        text        NOT NULL,
    grainidextensionstring text,
    serviceid              text        NOT NULL,
    payloadbinary          bytea,
    version                integer     NOT NULL,
    modifiedon             timestamptz NOT NULL DEFAULT now()
) WITH (fillfactor = 80); -- room on each page for HOT updates: writes change no indexed column

CREATE UNIQUE INDEX IF NOT EXISTS orleans_storage_identity
    ON orleans_storage (grainidhash, graintypehash, serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring)
    NULLS NOT DISTINCT;

-- WriteToStorageKey: the new version, or NULL when the record changed (or appeared) since the caller read it.
CREATE OR REPLACE FUNCTION orleans_write_storage(
    _grainidhash integer, _grainidn0 bigint, _grainidn1 bigint, _graintypehash integer, _graintypestring text,
    _grainidextensionstring text, _serviceid text, _grainstateversion integer, _payloadbinary bytea)
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
    _new integer;
BEGIN
    IF _grainstateversion IS NULL THEN
        INSERT INTO orleans_storage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
                                     grainidextensionstring, serviceid, payloadbinary, version)
        VALUES (_grainidhash, _grainidn0, _grainidn1, _graintypehash, _graintypestring,
                _grainidextensionstring, _serviceid, _payloadbinary, 1)
        ON CONFLICT DO NOTHING
        RETURNING version INTO _new;
        RETURN _new;
    END IF;

    UPDATE orleans_storage
       SET payloadbinary = _payloadbinary, version = version + 1, modifiedon = now()
     WHERE grainidhash = _grainidhash AND graintypehash = _graintypehash AND serviceid = _serviceid
       AND graintypestring = _graintypestring AND grainidn0 = _grainidn0 AND grainidn1 = _grainidn1
       AND grainidextensionstring IS NOT DISTINCT FROM _grainidextensionstring
       AND version = _grainstateversion
    RETURNING version INTO _new;
    RETURN _new;
END
$fn$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $q$
SELECT payloadbinary, version
  FROM orleans_storage
 WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash AND serviceid = @ServiceId
   AND graintypestring = @GrainTypeString AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
   AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
$q$),
('WriteToStorageKey', $q$
SELECT orleans_write_storage(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                             @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary) AS newgrainstateversion
$q$),
-- Keeps the row (payload NULL, version + 1) so the next write takes the update path; no row when the version is stale.
('ClearStorageKey', $q$
UPDATE orleans_storage
   SET payloadbinary = NULL, version = version + 1, modifiedon = now()
 WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash AND serviceid = @ServiceId
   AND graintypestring = @GrainTypeString AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
   AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
   AND version = @GrainStateVersion
RETURNING version
$q$),
-- Used instead of ClearStorageKey by providers configured with DeleteStateOnClear.
('DeleteStorageKey', $q$
DELETE FROM orleans_storage
 WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash AND serviceid = @ServiceId
   AND graintypestring = @GrainTypeString AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
   AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
   AND version = @GrainStateVersion
RETURNING version + 1
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;

INSERT INTO foresight_schema_version (version, script) VALUES (3, '003-persistence.sql') ON CONFLICT (version) DO NOTHING;
