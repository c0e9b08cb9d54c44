-- Roles, schemas and extensions. Runs as the migrator (DATABASE_URL), the
-- only migration that does; every later file switches to loomline_owner.
-- Roles are cluster-wide: create them only when missing.

do $$
begin
  if not exists (select from pg_roles where rolname = 'loomline_owner') then
    -- Owns every object. BYPASSRLS so seeds and jobs that run as the owner are
    -- not filtered by the request policies (FORCE would otherwise apply them).
    create role loomline_owner nologin bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'anonymous') then
    create role anonymous nologin;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin;
  end if;
  if not exists (select from pg_roles where rolname = 'loomline_api') then
    -- The API's login role. NOINHERIT: it holds nothing until a transaction
    -- switches to anonymous or authenticated. Its password is set by the
    -- migration runner from DATABASE_API_PASSWORD.
    create role loomline_api login noinherit nosuperuser nocreatedb nocreaterole nobypassrls;
  end if;
end
$$;

grant anonymous, authenticated to loomline_api;
-- The migrator must be able to act as the owner.
grant loomline_owner to current_user;

create extension if not exists citext with schema public;
create extension if not exists pgcrypto with schema public;

alter schema public owner to loomline_owner;
revoke all on schema public from public;
grant usage on schema public to anonymous, authenticated;

create schema app authorization loomline_owner;
grant usage on schema app to anonymous, authenticated;
-- postgrator creates app_private first, for its ledger (schema_migrations).
create schema if not exists app_private;
alter schema app_private owner to loomline_owner;
revoke all on schema app_private from public;
-- /readyz, running as the API role, compares the ledger with the files.
grant usage on schema app_private to loomline_api;
grant select on app_private.schema_migrations to loomline_api;

-- Functions are executable by PUBLIC by default; grant them one by one instead.
alter default privileges for role loomline_owner revoke execute on functions from public;

do $$
begin
  execute format('revoke all on database %I from public', current_database());
  execute format('grant connect, temporary on database %I to loomline_api', current_database());
end
$$;
