-- 0005: projections as a family, each in generations (docs/adr/0007).
--
-- Every projection's tables live in a schema of their own per generation,
-- sb_<projection>_g<N>; `public` holds views of the same names onto the
-- current generation, which is what every reader queries. A replay builds
-- generation N+1 beside the live one and swaps it in with one transaction
-- that repoints the views and moves the checkpoint (generation and
-- position). A projection's writer sets search_path to its generation, so
-- the SQL names stay unqualified.
--
-- This migration moves the existing tables into generation 1, adds the
-- analysis columns, and creates the tables of the analytics projections.

alter table projection_checkpoints
  add column generation integer not null default 1;

create schema sb_sessions_g1;
create schema sb_call_events_g1;
create schema sb_agent_stats_g1;
create schema sb_top_phrases_g1;

-- Sums of jsonb counters ({"completed": 2} + {"completed": -1, "failed": 1})
-- with zero entries dropped, so that a count that went up and down reads the
-- same as one never touched (an incremental run and a replay must agree).
create function sb_jsonb_add(a jsonb, b jsonb) returns jsonb
  language sql immutable parallel safe
  as $$
    select coalesce(jsonb_object_agg(k, v), '{}'::jsonb)
    from (
      select k, sum(v::bigint) as v
      from (select key as k, value::text as v from jsonb_each(coalesce(a, '{}'))
            union all
            select key, value::text from jsonb_each(coalesce(b, '{}'))) x
      group by k
    ) s
    where v <> 0
  $$;

-- Element-wise sum of two counter arrays of one length (histograms).
create function sb_array_add(a bigint[], b bigint[]) returns bigint[]
  language sql immutable parallel safe
  as $$
    select coalesce(array_agg(coalesce(x, 0) + coalesce(y, 0) order by i),
                    '{}'::bigint[])
    from unnest(a, b) with ordinality as u(x, y, i)
  $$;

-- -- the sessions projection: sessions, turns, live_calls ------------------

do $$
declare
  rel regclass;
begin
  for rel in
    select c.oid::regclass
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
      and (c.relname in ('sessions', 'turns', 'live_calls')
           or c.relname ~ '^(sessions|turns)_[0-9]{8}$')
  loop
    execute format('alter table %s set schema sb_sessions_g1', rel);
  end loop;
  for rel in
    select c.oid::regclass
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
      and (c.relname = 'call_events' or c.relname ~ '^call_events_[0-9]{8}$')
  loop
    execute format('alter table %s set schema sb_call_events_g1', rel);
  end loop;
end
$$;

-- Derived analysis (projections/analysis). Costs are integers of micro-USD
-- so that sums are exact in any order; components: llm_prompt,
-- llm_completion, llm_cached, tts, stt, telephony.
alter table sb_sessions_g1.sessions
  add column llm_cached_tokens    bigint not null default 0,
  add column tool_calls           integer not null default 0,
  add column tool_errors          integer not null default 0,
  add column cost_total           bigint not null default 0,
  add column cost_llm_prompt      bigint not null default 0,
  add column cost_llm_completion  bigint not null default 0,
  add column cost_llm_cached      bigint not null default 0,
  add column cost_tts             bigint not null default 0,
  add column cost_stt             bigint not null default 0,
  add column cost_telephony       bigint not null default 0,
  add column sentiment            text not null default 'unknown',
  add column sentiment_score      double precision not null default 0,
  -- sum of the scored user turns' compounds x 1e6, and their number
  add column sentiment_sum_e6     bigint not null default 0,
  add column sentiment_turns      integer not null default 0,
  add column tags                 text[] not null default '{}',
  add column main_request         text not null default '',
  add column main_request_turn    integer not null default 0,
  add column summary              text not null default '',
  add column success              text not null default 'unknown',
  add column latency_p50_ms       double precision,
  add column latency_p95_ms       double precision,
  add column user_to_bot_samples  double precision[] not null default '{}',
  add column provider_summary     text not null default '',
  add column provider_sentiment   text not null default '',
  add column provider_tags        text[] not null default '{}',
  add column provider_verdict     text not null default '',
  add column rules_version        integer not null default 0;

alter table sb_sessions_g1.turns
  add column sentiment       text not null default '',
  add column sentiment_score double precision not null default 0;

alter table sb_sessions_g1.live_calls
  add column agent_id         text not null default '',
  add column status           text not null default '',
  add column last_activity_at timestamptz,
  add column turn_count       integer not null default 0,
  add column last_utterance   text not null default '';

-- -- the call_events projection: call_events (moved above) ----------------

alter table sb_call_events_g1.call_events
  add column turn integer not null default 0;

-- Per-call fold state of the projections that keep one (serialized by the
-- projection; the bookkeeping that lets a restarted projection go on with a
-- call it no longer holds in memory).
create table sb_call_events_g1.call_state (
  call_id text primary key,
  state   bytea not null
);

-- -- the agent_stats projection -------------------------------------------

-- Latency histograms: counts per fixed bucket (projections/analysis,
-- latency_histogram.hpp: 21 buckets), the sum of the values in µs and
-- their number. TTFBs measured while the user was interrupting are counted
-- in ttfb_interrupted and kept out of the histograms.
create table sb_agent_stats_g1.agent_stats_hourly (
  tenant_id           text not null,
  agent_id            text not null,
  bucket              timestamptz not null,
  direction           text not null,
  language            text not null,
  sessions            bigint not null default 0,
  by_status           jsonb not null default '{}',
  by_end_reason       jsonb not null default '{}',
  success             bigint not null default 0,
  failure             bigint not null default 0,
  unknown_outcome     bigint not null default 0,
  duration_ms_sum     bigint not null default 0,
  turns               bigint not null default 0,
  interruptions       bigint not null default 0,
  sentiment_positive  bigint not null default 0,
  sentiment_neutral   bigint not null default 0,
  sentiment_negative  bigint not null default 0,
  sentiment_unknown   bigint not null default 0,
  tool_calls          bigint not null default 0,
  tool_errors         bigint not null default 0,
  cost_total          bigint not null default 0,
  cost_llm_prompt     bigint not null default 0,
  cost_llm_completion bigint not null default 0,
  cost_llm_cached     bigint not null default 0,
  cost_tts            bigint not null default 0,
  cost_stt            bigint not null default 0,
  cost_telephony      bigint not null default 0,
  user_to_bot_hist    bigint[] not null,
  user_to_bot_sum_us  bigint not null default 0,
  user_to_bot_count   bigint not null default 0,
  stt_hist            bigint[] not null,
  stt_sum_us          bigint not null default 0,
  stt_count           bigint not null default 0,
  llm_ttfb_hist       bigint[] not null,
  llm_ttfb_sum_us     bigint not null default 0,
  llm_ttfb_count      bigint not null default 0,
  tts_ttfb_hist       bigint[] not null,
  tts_ttfb_sum_us     bigint not null default 0,
  tts_ttfb_count      bigint not null default 0,
  ttfb_interrupted    bigint not null default 0,
  primary key (tenant_id, agent_id, bucket, direction, language)
);
create index agent_stats_hourly_tenant_bucket_idx
  on sb_agent_stats_g1.agent_stats_hourly (tenant_id, bucket);

create table sb_agent_stats_g1.agent_stats_daily
  (like sb_agent_stats_g1.agent_stats_hourly including all);

create table sb_agent_stats_g1.call_state (
  call_id text primary key,
  state   bytea not null
);

-- -- the top_phrases projection -------------------------------------------

create table sb_top_phrases_g1.top_phrases (
  tenant_id text not null,
  agent_id  text not null,
  day       date not null,
  phrase    text not null,
  count     bigint not null,
  primary key (tenant_id, agent_id, day, phrase)
);
create index top_phrases_rank_idx
  on sb_top_phrases_g1.top_phrases (tenant_id, day, count desc);

create table sb_top_phrases_g1.call_state (
  call_id text primary key,
  state   bytea not null
);

-- -- what readers see --------------------------------------------------------

create view public.sessions as select * from sb_sessions_g1.sessions;
create view public.turns as select * from sb_sessions_g1.turns;
create view public.live_calls as select * from sb_sessions_g1.live_calls;
create view public.call_events as select * from sb_call_events_g1.call_events;
create view public.agent_stats_hourly
  as select * from sb_agent_stats_g1.agent_stats_hourly;
create view public.agent_stats_daily
  as select * from sb_agent_stats_g1.agent_stats_daily;
create view public.top_phrases as select * from sb_top_phrases_g1.top_phrases;
