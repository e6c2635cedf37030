-- 0001: the initial schema: tenants and API keys, the sessions projection
-- (sessions, turns, call_events), projection checkpoints, live calls.
--
-- Time columns are timestamptz with µs precision. The application speaks µs
-- since the Unix epoch; sb_us_to_ts / sb_ts_to_us convert exactly.
-- Partitioned tables get one partition per UTC day, created on demand by the
-- store in the transaction that first writes a row for that day; partitions
-- are named <table>_YYYYMMDD.

create table if not exists schema_migrations (
  version    integer primary key,
  applied_at timestamptz not null default now()
);

create function sb_us_to_ts(us bigint) returns timestamptz
  language sql stable strict parallel safe
  as $$ select timestamptz 'epoch' + us * interval '1 microsecond' $$;

create function sb_ts_to_us(ts timestamptz) returns bigint
  language sql stable strict parallel safe
  as $$ select (extract(epoch from ts) * 1000000)::bigint $$;

-- -- tenants and keys --------------------------------------------------------

create table tenants (
  id         text primary key,
  created_at timestamptz not null default now()
);

-- Keys look like sb_<prefix>_<secret>; only the prefix (for lookup) and the
-- SHA-256 of the whole key (lowercase hex) are stored.
create table api_keys (
  prefix     text primary key,
  hash       text not null check (hash ~ '^[0-9a-f]{64}$'),
  tenant_id  text not null references tenants (id) on delete cascade,
  role       text not null check (role in ('admin', 'viewer')),
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index api_keys_tenant_idx on api_keys (tenant_id);

-- -- sessions projection -----------------------------------------------------

-- One row per call. started_at is never null (an unknown start is stored as
-- the epoch); answered_at and ended_at are null while unknown. No foreign key
-- to tenants: the event log is the source of truth and must never be refused.
create table sessions (
  id                    text not null,
  tenant_id             text not null,
  agent_id              text not null default '',
  status                text not null default '',
  end_reason            text not null default '',
  direction             text not null default '',
  provider              text not null default '',
  campaign              text not null default '',
  language              text not null default '',
  started_at            timestamptz not null,
  answered_at           timestamptz,
  ended_at              timestamptz,
  duration_ms           bigint not null default 0,
  turn_count            integer not null default 0,
  first_user_text       text not null default '',
  first_agent_text      text not null default '',
  interruptions         integer not null default 0,
  error_count           integer not null default 0,
  llm_prompt_tokens     bigint not null default 0,
  llm_completion_tokens bigint not null default 0,
  tts_characters        bigint not null default 0,
  stt_seconds           double precision not null default 0,
  user_to_bot_ms_sum    double precision not null default 0,
  user_to_bot_count     integer not null default 0,
  last_seq              bigint not null default 0,
  updated_at            timestamptz not null default now(),
  primary key (started_at, id)
) partition by range (started_at);
create index sessions_tenant_started_idx
  on sessions (tenant_id, started_at desc, id desc);
create index sessions_tenant_agent_idx
  on sessions (tenant_id, agent_id, started_at);
create index sessions_tenant_status_idx on sessions (tenant_id, status);
create index sessions_id_idx on sessions (id);

-- One row per utterance. Latencies are null when unmeasured.
create table turns (
  session_id         text not null,
  tenant_id          text not null,
  session_started_at timestamptz not null,
  turn               integer not null,
  speaker            text not null default '',
  text               text not null default '',
  started_at         timestamptz,
  ended_at           timestamptz,
  interrupted        boolean not null default false,
  user_to_bot_ms     double precision,
  llm_ttfb_ms        double precision,
  tts_ttfb_ms        double precision,
  primary key (session_started_at, session_id, turn)
) partition by range (session_started_at);
create index turns_session_idx on turns (session_id, turn);
create index turns_text_idx on turns using gin (to_tsvector('simple', text));

-- The debug trace of a call (written by a later projection).
create table call_events (
  session_id         text not null,
  tenant_id          text not null,
  session_started_at timestamptz not null,
  seq                bigint not null,
  type               text not null,
  at                 timestamptz,
  payload            jsonb not null default '{}',
  primary key (session_started_at, session_id, seq)
) partition by range (session_started_at);
create index call_events_session_idx on call_events (session_id, seq);

-- -- projection bookkeeping --------------------------------------------------

-- epochs: partition number (as a string key) -> newest fencing epoch seen.
create table projection_checkpoints (
  projection text primary key,
  position   bigint not null check (position >= 0),
  epochs     jsonb not null default '{}',
  updated_at timestamptz not null default now()
);

-- Non-terminal calls, for a fresh API node's live view and for rehydration
-- (written by a later projection). Small, so not partitioned.
create table live_calls (
  call_id        text primary key,
  tenant_id      text not null,
  partition      integer not null,
  first_position bigint not null,
  started_at     timestamptz
);
create index live_calls_partition_idx
  on live_calls (partition, first_position);
create index live_calls_tenant_idx on live_calls (tenant_id);
