-- 0003: free room in the pages of sessions and turns.
--
-- The sessions projection rewrites a live call's row at every batch, and a
-- turn's row when its speech ends and its latencies arrive. With full pages
-- (fillfactor 100) every new version goes to another page and adds an entry
-- to each of the table's indexes (five on sessions). With room left in the
-- page PostgreSQL keeps the new version beside the old one and leaves the
-- indexes alone when no indexed column changed (a HOT update): replaying
-- 3,000 calls' rows five times took 35-66 ms a round at 100, 13 ms at 60.
-- New partitions get these values from the store (db/partitions.cpp);
-- existing ones are changed here and use them for pages written from now on.
do $$
declare
  part regclass;
  fill integer;
begin
  for part, fill in
    select i.inhrelid::regclass, t.fill
    from (values ('sessions', 70), ('turns', 80)) as t(name, fill)
    join pg_inherits i on i.inhparent = t.name::regclass
  loop
    execute format('alter table %s set (fillfactor = %s)', part, fill);
  end loop;
end
$$;
