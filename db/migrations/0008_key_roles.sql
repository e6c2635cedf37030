-- 0008: API keys get the `ingest` role (writes raw logs and events, reads
-- nothing), a name for people to tell them apart, and when they were last
-- used (written at most once a minute per key, on a lookup).

alter table api_keys drop constraint api_keys_role_check;
alter table api_keys add constraint api_keys_role_check
  check (role in ('admin', 'viewer', 'ingest'));
alter table api_keys add column name text not null default '';
alter table api_keys add column last_used_at timestamptz;
