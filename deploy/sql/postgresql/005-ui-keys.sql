-- Foresight schema, script 005: the web UI's ASP.NET Core data protection keys, shared by every silo of a service.
--
-- A UI session cookie is encrypted with these keys; kept here, a session made on one silo is read by every other
-- silo of the same service, so a load balancer needs no sticky sessions. One row per key: its XML element as data
-- protection writes it (the key material encrypted only if a key encryptor is configured — see docs/ui.md), under
-- the name data protection gives it.

CREATE TABLE IF NOT EXISTS foresight_ui_keys (
    serviceid     text        NOT NULL,
    friendlyname  text        NOT NULL,
    xml           text        NOT NULL,
    storedon      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (serviceid, friendlyname)
);

INSERT INTO foresight_schema_version (version, script) VALUES (5, '005-ui-keys.sql') ON CONFLICT (version) DO NOTHING;
