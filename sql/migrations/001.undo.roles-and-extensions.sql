-- Roles are cluster-wide and may serve other databases on this server, and
-- app_private holds the migration ledger: both stay.
do $$
begin
  execute format('revoke connect, temporary on database %I from loomline_api', current_database());
  execute format('grant connect, temporary on database %I to public', current_database());
end
$$;

revoke select on app_private.schema_migrations from loomline_api;
revoke usage on schema app_private from loomline_api;
alter default privileges for role loomline_owner grant execute on functions to public;
drop schema app;
revoke usage on schema public from anonymous, authenticated;
grant usage on schema public to public;
alter schema public owner to pg_database_owner;
alter schema app_private owner to current_user;
drop extension if exists pgcrypto;
drop extension if exists citext;
