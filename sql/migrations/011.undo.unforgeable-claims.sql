set local role loomline_owner;
-- Reverses 011: the definitions of 005 and 008 come back, the audit columns,
-- the caller-only is_order_party and the claims key go.

create or replace function app_private.tg__audit() returns trigger
  language plpgsql security definer
  set search_path = pg_catalog, public, app, app_private, pg_temp
as $$
declare
  old_data jsonb := case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end;
  new_data jsonb := case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end;
  secret text;
begin
  foreach secret in array coalesce(tg_argv, array[]::text[]) loop
    if old_data ? secret and old_data ->> secret is not null then
      old_data := jsonb_set(old_data, array[secret], '"[redacted]"');
    end if;
    if new_data ? secret and new_data ->> secret is not null then
      new_data := jsonb_set(new_data, array[secret], '"[redacted]"');
    end if;
  end loop;
  insert into audit_log (actor_id, actor_role, action, table_name, record_id, old_data, new_data, request_id, ip)
  values (
    app.current_user_id(),
    -- current_user is the definer here; the request's role is the setting.
    coalesce(app.current_claims() ->> 'role', nullif(current_setting('role'), 'none'), session_user::text),
    lower(tg_op),
    tg_table_name,
    coalesce(new_data ->> 'id', old_data ->> 'id')::uuid,
    old_data,
    new_data,
    app_private.request_setting('request.id'),
    app_private.request_setting('request.ip')::inet
  );
  return null;
end;
$$;

alter table audit_log
  drop column client_request_id,
  drop column auth_method,
  drop column api_key_id,
  drop column actor_roles;

create or replace function app_private.tg_messages__rules() returns trigger
  language plpgsql
  set search_path = pg_catalog, public, app, pg_temp
as $$
begin
  if tg_op = 'INSERT' then
    if new.order_id is not null and not app.is_order_party(new.order_id, new.sender_id) then
      raise exception 'the sender is not a party to this order' using errcode = 'LLRUL';
    end if;
    return new;
  end if;
  -- A message is immutable once sent; only its read receipt changes
  -- (and the sender or recipient may be erased).
  if (new.order_id, new.subject, new.body, new.attachments, new.created_at)
     is distinct from (old.order_id, old.subject, old.body, old.attachments, old.created_at)
     or (new.sender_id is not null and new.sender_id is distinct from old.sender_id)
     or (new.recipient_id is not null and new.recipient_id is distinct from old.recipient_id) then
    raise exception 'a sent message cannot be edited' using errcode = 'LLRUL';
  end if;
  return new;
end;
$$;

create or replace function app.supplier_order_prices(supplier_order_ids uuid[])
  returns table (supplier_order_id uuid, buyer_price numeric, supplier_price numeric, margin numeric,
                 counter_offer_price numeric)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select so.id,
         case when c.admin or o.buyer_id = c.user_id then so.buyer_price end,
         case when c.admin or so.supplier_id = c.supplier_id then so.supplier_price end,
         case when c.admin then so.margin end,
         case when c.admin or so.supplier_id = c.supplier_id then so.counter_offer_price end
    from (select app.is_admin() as admin, app.current_user_id() as user_id,
                 app.current_supplier_id() as supplier_id) c,
         public.supplier_orders so
    join public.orders o on o.id = so.buyer_order_id
   where so.id = any (supplier_order_ids)
     and (c.admin or o.buyer_id = c.user_id or so.supplier_id = c.supplier_id);
end;

create or replace function app.order_amounts(order_ids uuid[])
  returns table (order_id uuid, total_amount numeric)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select o.id, o.total_amount
    from public.orders o
   where o.id = any (order_ids)
     and (app.is_admin() or o.buyer_id = app.current_user_id());
end;

create or replace function app.quote_pricing(quote_ids uuid[])
  returns table (quote_id uuid, total_price numeric, quote_data jsonb, alternative_options jsonb,
                 base_cost numeric, specialty_cost numeric, admin_markup numeric)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select q.id,
         case when c.admin or q.requested_by = c.user_id then q.total_price end,
         case when c.admin or q.requested_by = c.user_id then q.quote_data end,
         case when c.admin or q.requested_by = c.user_id then q.alternative_options end,
         case when c.admin or q.assigned_supplier_id = c.supplier_id then q.base_cost end,
         case when c.admin or q.assigned_supplier_id = c.supplier_id then q.specialty_cost end,
         case when c.admin then q.admin_markup end
    from (select app.is_admin() as admin, app.current_user_id() as user_id,
                 app.current_supplier_id() as supplier_id) c,
         public.quotes q
   where q.id = any (quote_ids)
     and (c.admin or q.requested_by = c.user_id or q.assigned_supplier_id = c.supplier_id);
end;

create or replace function app.supplier_contacts(supplier_ids uuid[])
  returns table (supplier_id uuid, address text, contact_email text, contact_phone text)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select s.id, s.address, s.contact_email, s.contact_phone
    from public.suppliers s
   where s.id = any (supplier_ids)
     and (app.is_admin() or s.id in (select app.contact_supplier_ids()));
end;

create or replace function app.profile_phones(profile_ids uuid[])
  returns table (profile_id uuid, phone text)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select p.id, p.phone
    from public.profiles p
   where p.id = any (profile_ids)
     and (app.is_admin() or p.id = app.current_user_id());
end;

grant execute on function app.is_order_party(uuid, uuid) to authenticated;
drop function app.is_order_party(uuid);

create or replace function app.is_admin() returns boolean
  language sql stable parallel safe
  return app.has_role('admin');

create or replace function app.current_claims() returns jsonb
  language sql stable parallel safe
  return nullif(current_setting('request.jwt.claims', true), '')::jsonb;

drop function app_private.is_trusted_session();
drop table app_private.claims_key;
