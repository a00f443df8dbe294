-- Tables like the seed systems' own, with expired and live rows, to try the maintenance set in
-- docs/job-types.md ("Maintenance jobs from configuration") against:
--   psql -h 127.0.0.1 -U postgres -d kairos -f examples/maintenance-demo.sql
create table if not exists auth_tokens (id bigserial primary key, expires_at timestamptz not null);
create table if not exists sessions (id bigserial primary key, expires_at timestamptz not null);
create table if not exists rate_limit_entries (id bigserial primary key, window_end timestamptz not null);
create table if not exists verification_nodes (id bigserial primary key, expires_at timestamptz not null);
create table if not exists exchanges (id bigserial primary key, completed_at timestamptz);

insert into auth_tokens (expires_at)
  select now() + interval '1 minute' * (g - 5000) from generate_series(1, 10000) g;
insert into sessions (expires_at)
  select now() + interval '1 minute' * (g - 2000) from generate_series(1, 4000) g;
insert into rate_limit_entries (window_end)
  select now() - interval '1 minute' * g from generate_series(1, 3000) g;
insert into verification_nodes (expires_at)
  select now() + interval '1 second' * (g - 500) from generate_series(1, 1000) g;
insert into exchanges (completed_at)
  select now() - interval '1 day' * g from generate_series(1, 60) g;
