-- Starts under rate limits (io.kairos.limits) counted per limit, key and expiry, rather than a row
-- per start: a claim counts the starts of the last interval and a half, which at thousands of starts
-- a second was thousands of rows per claim. Expiries are rounded up to a tenth of the limit's
-- interval, so a limit's count reads about fifteen rows; a start is then counted up to a tenth of
-- an interval longer than it must be (the limit is used a little less, never more).
alter table kairos_limit_start add column starts int not null default 1;

with single as (delete from kairos_limit_start returning limit_id, limit_key, expires_at)
insert into kairos_limit_start (limit_id, limit_key, expires_at, starts)
select limit_id, limit_key, expires_at, count(*) from single group by 1, 2, 3;

drop index kairos_limit_start_idx;
create unique index kairos_limit_start_idx on kairos_limit_start (limit_id, limit_key, expires_at);
