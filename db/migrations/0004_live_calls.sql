-- live_calls is now written by the sessions projection (a row per call from
-- its first event until it ends), so a new partition owner reads SB_EVENTS
-- only from the oldest live call on. Calls live before this migration get a
-- row of partition -1 from position 1: until they end, every partition's
-- rehydration reads from the start, as it did before. `epoch` is the
-- partition's newest fencing epoch at the call's first event, so that a
-- rebuild starting there fences exactly like one reading from the start.
alter table live_calls add column epoch bigint not null default 0;
insert into live_calls (call_id, tenant_id, partition, first_position,
                        started_at)
select id, tenant_id, -1, 1, started_at
from sessions
where status in ('active', 'queued', 'ringing')
on conflict (call_id) do nothing;
