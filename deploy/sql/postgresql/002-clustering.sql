-- Foresight schema, script 002: Orleans AdoNet clustering (Microsoft.Orleans.Clustering.AdoNet, invariant Npgsql).
--
-- One version row per cluster (DeploymentId = ClusterOptions.ClusterId) and one row per silo incarnation
-- (address, port, generation). Orleans uses only the table version for concurrency: every change of a member row
-- must find the version it read (@Version) and write @Version + 1, atomically with the change, or change nothing
-- and answer 0. The functions below lock the cluster's version row while they check and change, so two silos
-- racing on the same version cannot both win. Heartbeats (UpdateIAmAlivetimeKey) do not touch the version.
-- Times are timestamptz: Npgsql sends Orleans' UTC DateTime parameters as timestamptz.

CREATE TABLE IF NOT EXISTS orleans_membership_version (
    deploymentid text        PRIMARY KEY,
    "timestamp"  timestamptz NOT NULL DEFAULT now(),
    version      integer     NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS orleans_membership (
    deploymentid text        NOT NULL REFERENCES orleans_membership_version (deploymentid),
    address      text        NOT NULL,
    port         integer     NOT NULL,
    generation   integer     NOT NULL,
    siloname     text        NOT NULL,
    hostname     text        NOT NULL,
    status       integer     NOT NULL,
    proxyport    integer,
    suspecttimes text,
    starttime    timestamptz NOT NULL,
    iamalivetime timestamptz NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

-- Locks the cluster's version row if it is still at _version (false: someone changed the table since the caller
-- read it). Held to the end of the statement's transaction, so the change and the bump below are one step.
CREATE OR REPLACE FUNCTION orleans_lock_membership_version(_deploymentid text, _version integer)
RETURNS boolean LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM 1 FROM orleans_membership_version
     WHERE deploymentid = _deploymentid AND version = _version
       FOR UPDATE;
    RETURN FOUND;
END
$fn$;

-- InsertMembershipKey: insert the silo only if it is not there and the cluster is still at _version; then bump it.
CREATE OR REPLACE FUNCTION orleans_insert_membership(
    _deploymentid text, _address text, _port integer, _generation integer, _siloname text, _hostname text,
    _status integer, _proxyport integer, _starttime timestamptz, _iamalivetime timestamptz, _version integer)
RETURNS integer LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT orleans_lock_membership_version(_deploymentid, _version) THEN
        RETURN 0;
    END IF;

    INSERT INTO orleans_membership (deploymentid, address, port, generation, siloname, hostname, status, proxyport,
                                    starttime, iamalivetime)
    VALUES (_deploymentid, _address, _port, _generation, _siloname, _hostname, _status, _proxyport,
            _starttime, _iamalivetime)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN 0; -- this silo incarnation is already in the table
    END IF;

    UPDATE orleans_membership_version SET version = _version + 1, "timestamp" = now() WHERE deploymentid = _deploymentid;
    RETURN 1;
END
$fn$;

-- UpdateMembershipKey: change status, suspicions and liveness of an existing silo only at _version; then bump it.
CREATE OR REPLACE FUNCTION orleans_update_membership(
    _deploymentid text, _address text, _port integer, _generation integer, _status integer, _suspecttimes text,
    _iamalivetime timestamptz, _version integer)
RETURNS integer LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT orleans_lock_membership_version(_deploymentid, _version) THEN
        RETURN 0;
    END IF;

    UPDATE orleans_membership
       SET status = _status, suspecttimes = _suspecttimes, iamalivetime = _iamalivetime
     WHERE deploymentid = _deploymentid AND address = _address AND port = _port AND generation = _generation;
    IF NOT FOUND THEN
        RETURN 0; -- no such silo
    END IF;

    UPDATE orleans_membership_version SET version = _version + 1, "timestamp" = now() WHERE deploymentid = _deploymentid;
    RETURN 1;
END
$fn$;

INSERT INTO orleansquery (querykey, querytext) VALUES
-- One row, one column: 1 if this call created the cluster's version row (at version 0), 0 if it existed.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleans_membership_version (deploymentid) VALUES (@DeploymentId)
    ON CONFLICT (deploymentid) DO NOTHING
    RETURNING 1)
SELECT count(*)::integer FROM created
$q$),
-- Every member with the table version in each row; no member still gives one row (member columns NULL).
('MembershipReadAllKey', $q$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime, v.version
  FROM orleans_membership_version v
  LEFT JOIN orleans_membership m ON m.deploymentid = v.deploymentid
 WHERE v.deploymentid = @DeploymentId
$q$),
('MembershipReadRowKey', $q$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime, v.version
  FROM orleans_membership_version v
  LEFT JOIN orleans_membership m ON m.deploymentid = v.deploymentid
       AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
 WHERE v.deploymentid = @DeploymentId
$q$),
('InsertMembershipKey', $q$
SELECT orleans_insert_membership(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
                                 @ProxyPort, @StartTime, @IAmAliveTime, @Version)
$q$),
('UpdateMembershipKey', $q$
SELECT orleans_update_membership(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
                                 @IAmAliveTime, @Version)
$q$),
('UpdateIAmAlivetimeKey', $q$
UPDATE orleans_membership SET iamalivetime = @IAmAliveTime
 WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$q$),
('GatewaysQueryKey', $q$
SELECT address, proxyport, generation
  FROM orleans_membership
 WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0
$q$),
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleans_membership WHERE deploymentid = @DeploymentId;
DELETE FROM orleans_membership_version WHERE deploymentid = @DeploymentId
$q$),
-- Silos that stopped heartbeating before the cut-off and are no longer Active (3).
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleans_membership
 WHERE deploymentid = @DeploymentId AND iamalivetime < @IAmAliveTime AND status <> 3
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;

INSERT INTO foresight_schema_version (version, script) VALUES (2, '002-clustering.sql') ON CONFLICT (version) DO NOTHING;
