set local role loomline_owner;
-- Reverses 017.do.realtime-events.sql: the log and its readers go, and
-- publish() notifies with ids again, as 005 wrote it.

drop function app_private.events_prune(interval);
drop function app_private.events_between(
  pg_snapshot, pg_snapshot, bigint, event_topic[], uuid, uuid, uuid, uuid, boolean, integer);
drop function app_private.events_poll(pg_snapshot, integer);

drop trigger _600_access_revoked on user_roles;
drop trigger _600_access_revoked on users;
drop function app_private.tg_users__access_revoked();

create or replace function app_private.publish(kind text, id uuid, extra jsonb default '{}') returns void
  language plpgsql volatile security invoker
  set search_path = pg_catalog, pg_temp
as $$
begin
  perform pg_notify('loomline_events', (jsonb_build_object('kind', kind, 'id', id) || extra)::text);
end;
$$;

drop table events;
drop type event_topic;
