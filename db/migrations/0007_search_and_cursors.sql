-- 0007: transcript search that ignores case and accents, and the secret
-- that signs the API's page cursors (docs/adr/0008).
--
-- Search: a turn's words are its text lower-cased with accents removed
-- ('simple' configuration: no stemming and no stop words, so it works the
-- same for every language the simulator and real bots produce). "Crème"
-- and "creme" match each other. The index replaces 0001's
-- to_tsvector('simple', text) index in the sessions generation that is live
-- now; a new generation copies it from there.

create extension if not exists unaccent with schema public;

-- Fixed search_path: the index's values must not depend on the caller's
-- (the projections' writers set theirs to a generation schema).
create function sb_search_text(t text) returns tsvector
  language sql immutable parallel safe strict
  set search_path = pg_catalog, public
  as $$
    select to_tsvector('simple'::regconfig,
                       public.unaccent('public.unaccent'::regdictionary, t))
  $$;

create function sb_search_query(q text) returns tsquery
  language sql immutable parallel safe strict
  set search_path = pg_catalog, public
  as $$
    select plainto_tsquery('simple'::regconfig,
                           public.unaccent('public.unaccent'::regdictionary, q))
  $$;

do $$
declare
  live integer;
  old_index text;
begin
  select coalesce(max(generation), 1) into live
  from projection_checkpoints where projection = 'sessions';
  for old_index in
    select indexname from pg_indexes
    where schemaname = format('sb_sessions_g%s', live)
      and tablename = 'turns' and indexdef like '%to_tsvector(%'
  loop
    execute format('drop index sb_sessions_g%s.%I', live, old_index);
  end loop;
  execute format('create index turns_search_idx on sb_sessions_g%s.turns '
                 'using gin (public.sb_search_text(text))', live);
end
$$;

-- Secrets the API nodes share. 'cursor' signs page cursors (HMAC-SHA256), so
-- a cursor edited by hand is refused rather than read.
create table api_secrets (
  name   text primary key,
  secret text not null
);
insert into api_secrets (name, secret)
values ('cursor',
        encode(sha256(convert_to(gen_random_uuid()::text
                                 || gen_random_uuid()::text
                                 || clock_timestamp()::text, 'UTF8')),
               'hex'));
