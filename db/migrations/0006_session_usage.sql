-- 0006: each call's usage per service and model (sessions.usage), from
-- which the call is priced once: its cost is rounded once per component,
-- not once per usage event, so it equals the price of the call's total
-- usage (docs/adr/0007).
--
-- The column goes into the sessions generation that is live now (a replay
-- may have moved it past 1); a new generation copies it from there.

do $$
declare
  live integer;
begin
  select coalesce(max(generation), 1) into live
  from projection_checkpoints where projection = 'sessions';
  execute format('alter table sb_sessions_g%s.sessions '
                 'add column usage jsonb not null default ''[]''', live);
  execute format('create or replace view public.sessions as '
                 'select * from sb_sessions_g%s.sessions', live);
end
$$;
