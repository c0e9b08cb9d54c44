set local role loomline_owner;
-- Reverses 007.do.auth-functions.sql.

drop trigger _900_audit_update on api_keys;
drop trigger _900_audit on api_keys;
create trigger _900_audit after insert or update or delete on api_keys
  for each row execute function app_private.tg__audit('key_hash');

drop function app.auth_upsert_external_user(text, text, text, text, app_role[]);
drop function app.auth_touch_api_keys(uuid[]);
drop function app.auth_api_key(text);
drop function app.auth_revoke_api_key(uuid);
drop function app.auth_create_api_key(text, text, text, text[], timestamptz);
drop function app.auth_revoke_refresh_token(text);
drop function app.auth_rotate_refresh_token(text, text, timestamptz, text, inet);
drop function app.auth_sign_up(text, text, text, text, app_role, text, timestamptz, text, inet);
drop function app.auth_start_session(uuid, text, text, text, timestamptz, text, inet);
drop function app.auth_credentials(text);
drop function app_private.auth_user_summary(uuid);
drop function app_private.auth_issue_refresh_token(uuid, uuid, text, timestamptz, text, inet);
drop function app_private.uuid_v5(uuid, text);
