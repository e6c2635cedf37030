-- Which turns are the first user and agent turns, so that a later turn with
-- the same words is never mistaken for them when it grows (0 = none yet).
alter table sessions
  add column first_user_turn  integer not null default 0,
  add column first_agent_turn integer not null default 0;
