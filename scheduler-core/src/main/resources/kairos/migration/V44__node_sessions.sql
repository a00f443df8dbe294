-- Liveness by session. Each worker incarnation holds a session-level advisory lock, keyed by
-- `incarnation`, on a connection of its own for its whole life: when its process dies, PostgreSQL
-- ends its sessions and frees the lock at once, and any other node that finds the lock free revives
-- the incarnation's executions without waiting for their heartbeats to go stale.
--
-- incarnation:   the advisory lock's key (pg_try_advisory_lock(bigint)); a new one per start, and
--                per re-registration after the node was declared dead.
-- session_server: pg_postmaster_start_time() of the server the lock was taken on. A lock is judged
--                only on that same server: after a restart or a failover no lock survives, and the
--                nodes are judged by their heartbeats until they take their locks again.
-- state_since:   when `state` last changed (database clock).
--
-- Nodes registered before this migration have neither lock nor server: they are judged by their
-- heartbeats, as before, until they start again.
alter table kairos_node
  add column incarnation    bigint,
  add column session_server timestamptz,
  add column state_since    timestamptz not null default now();

update kairos_node set state_since = last_seen;
