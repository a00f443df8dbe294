-- The cluster-wide switch: while paused is true no worker starts an attempt. Workers poll it and
-- stop claiming; the statement that records an attempt's start checks it too, so nothing starts
-- once a pause has committed. One row, always there.
create table kairos_control (
  id          int         primary key check (id = 1),
  paused      boolean     not null default false,
  changed_at  timestamptz,           -- when paused last changed
  changed_by  text,                  -- the API key name that changed it
  paused_at   timestamptz,           -- start of the last pause
  resumed_at  timestamptz            -- end of the last pause
);
insert into kairos_control (id, paused) values (1, false);
