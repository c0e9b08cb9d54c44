set local role loomline_owner;
-- payments: recorded and refunded through the database (issue 9, item 6).
--
-- The database owns the money: a payment is recorded, and refunded, only
-- through two security-definer functions, which decide who may, make a
-- replayed idempotency key return the first result (also when the replays
-- run concurrently), refuse a key reused with another body, and never let
-- refunds exceed what a payment brought in. payment_status keeps following
-- the rows through the trigger of 005 (refresh_payment_status, redefined
-- here to count refunds).
--
-- A refund is a row of its own (kind 'refund', refund_of the payment it
-- gives back, a positive amount): a payment may be refunded in parts, each
-- part with its own idempotency key in the same unique column. A payment
-- whose status was set to 'refunded' directly (005 allows succeeded ->
-- refunded) counts as refunded in full, whatever its refund rows say.
--
-- Who may: admins (sessions), or an API key with the `payments:write` scope
-- whose owner holds the admin role (any person may issue a key with any
-- scope, so the scope alone must not open the money to a buyer's key). A key
-- never passes app.is_admin() (011): the scope is read from the signed
-- claims, app.current_claims(). Refunds: admin sessions only (API.md).

create type payment_kind as enum ('payment', 'refund');

alter table payments
  add column kind payment_kind not null default 'payment',
  add column refund_of uuid references payments (id) on delete cascade,
  add column reason text,
  add constraint payments_refund_of_check check ((kind = 'refund') = (refund_of is not null)),
  add constraint payments_reason_check check (reason is null or length(reason) <= 2000);

create index payments_refund_of_idx on payments (refund_of);

-- The new columns are written by the functions below only: no INSERT or
-- UPDATE grant (a buyer's own pending payment, insert_buyer of 008, takes
-- the defaults: a payment, not a refund). SELECT on the table covers them.

-- A refund's link and kind are as fixed as its amount; a refund row does
-- not become 'refunded' itself.
create or replace function app_private.tg_payments__rules() returns trigger
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  order_currency char(3);
begin
  if tg_op = 'INSERT' then
    select currency into order_currency from orders where id = new.order_id;
    if order_currency is distinct from new.currency then
      raise exception 'payment currency % does not match the order''s %', new.currency, order_currency
        using errcode = 'LLRUL';
    end if;
    return new;
  end if;
  if (new.order_id, new.amount, new.currency, new.idempotency_key, new.kind, new.refund_of)
     is distinct from (old.order_id, old.amount, old.currency, old.idempotency_key, old.kind, old.refund_of) then
    raise exception 'a recorded payment''s order, amount and key cannot change' using errcode = 'LLRUL';
  end if;
  if new.status is distinct from old.status and not (
    (old.status = 'pending' and new.status in ('succeeded', 'failed'))
    or (old.status = 'succeeded' and new.status = 'refunded' and new.kind = 'payment')
  ) then
    raise exception 'payment cannot go from % to %', old.status, new.status using errcode = 'LLTRN';
  end if;
  return new;
end;
$$;

-- paid: succeeded payments (and those refunded since); refunded: per
-- payment, its whole amount once marked refunded, else its succeeded
-- refund rows. unpaid -> partially_paid -> paid as the net grows, refunded
-- once everything paid was given back.
create or replace function app_private.refresh_payment_status(target_order uuid) returns void
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  order_total numeric(12, 2);
  paid numeric;
  refunded numeric;
  next_status payment_status;
begin
  select total_amount into order_total from orders where id = target_order for update;
  if not found then
    return;
  end if;
  select coalesce(sum(p.amount), 0),
         coalesce(sum(case when p.status = 'refunded' then p.amount
                           else (select coalesce(sum(r.amount), 0) from payments r
                                  where r.refund_of = p.id and r.status = 'succeeded') end), 0)
    into paid, refunded
    from payments p
   where p.order_id = target_order and p.kind = 'payment' and p.status in ('succeeded', 'refunded');
  next_status := case
    when paid > 0 and refunded >= paid then 'refunded'
    when paid - refunded = 0 then 'unpaid'
    when paid - refunded >= order_total then 'paid'
    else 'partially_paid'
  end;
  update orders set payment_status = next_status
   where id = target_order and payment_status is distinct from next_status;
end;
$$;

-- Whether the caller may record payments: an admin session, or an API key
-- of an admin carrying `payments:write` (from the signed claims only).
create function app.can_write_payments() returns boolean
  language sql stable parallel safe security definer
  set search_path = pg_catalog, public, app, pg_temp
  return coalesce(
    (select app.is_admin()
         or ((c -> 'scopes') ? 'payments:write' and (c -> 'roles') ? 'admin')
       from (select app.current_claims()) as claims(c)),
    false);

revoke all on function app.can_write_payments() from public;
grant execute on function app.can_write_payments() to authenticated;

-- Records a received payment as succeeded. No row: the order does not
-- exist. A replayed key returns the first payment (replayed = true) when
-- the body is the same (order, amount, currency, method, kind); another
-- body, or a key a buyer used for its own pending payment, is a unique
-- violation (23505). Replays serialise on a transaction lock of the key:
-- the second waits for the first to commit or roll back, then sees its row.
create function app.record_payment(
  target_order uuid, payment_amount numeric, payment_currency text, payment_method text, key text
) returns table (payment_id uuid, replayed boolean, order_payment_status payment_status)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $$
declare
  existing payments%rowtype;
  new_id uuid;
begin
  if not app.can_write_payments() then
    raise exception 'only admins (or an admin''s key with payments:write) may record payments'
      using errcode = '42501';
  end if;
  perform pg_advisory_xact_lock(hashtextextended('payments.idempotency_key:' || key, 0));
  select * into existing from payments p where p.idempotency_key = key;
  if found then
    if existing.kind = 'payment' and existing.status <> 'pending'
       and (existing.order_id, existing.amount, existing.currency::text, existing.method)
           = (target_order, payment_amount, payment_currency, payment_method) then
      return query select existing.id, true, o.payment_status from orders o where o.id = existing.order_id;
      return;
    end if;
    raise exception 'this idempotency key was already used for a different payment'
      using errcode = '23505';
  end if;
  if not exists (select 1 from orders o where o.id = target_order) then
    return;
  end if;
  insert into payments (order_id, amount, currency, method, idempotency_key, status, recorded_by)
  values (target_order, payment_amount, payment_currency, payment_method, key, 'succeeded',
          app.current_user_id())
  returning id into new_id;
  return query select new_id, false, o.payment_status from orders o where o.id = target_order;
end;
$$;

revoke all on function app.record_payment(uuid, numeric, text, text, text) from public;
grant execute on function app.record_payment(uuid, numeric, text, text, text) to authenticated;

-- Refunds part or all of a succeeded payment (admins). No row: the payment
-- does not exist. Replays as in record_payment (same payment and amount).
-- The payment's row is locked while its refunds are summed, so concurrent
-- refunds never give back more than it brought in (LLRUL otherwise).
create function app.refund_payment(
  target_payment uuid, refund_amount numeric, refund_reason text, key text
) returns table (payment_id uuid, replayed boolean, order_payment_status payment_status)
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $$
declare
  existing payments%rowtype;
  original payments%rowtype;
  already numeric;
  new_id uuid;
begin
  if not app.is_admin() then
    raise exception 'only admins may refund payments' using errcode = '42501';
  end if;
  perform pg_advisory_xact_lock(hashtextextended('payments.idempotency_key:' || key, 0));
  select * into existing from payments p where p.idempotency_key = key;
  if found then
    if existing.kind = 'refund' and existing.refund_of = target_payment and existing.amount = refund_amount then
      return query select existing.id, true, o.payment_status from orders o where o.id = existing.order_id;
      return;
    end if;
    raise exception 'this idempotency key was already used for a different payment'
      using errcode = '23505';
  end if;
  select * into original from payments p where p.id = target_payment and p.kind = 'payment' for update;
  if not found then
    return;
  end if;
  if original.status <> 'succeeded' then
    raise exception 'only a succeeded payment can be refunded; this one is %', original.status
      using errcode = 'LLTRN';
  end if;
  select coalesce(sum(r.amount), 0) into already
    from payments r where r.refund_of = original.id and r.status = 'succeeded';
  if refund_amount > original.amount - already then
    raise exception 'a refund of % exceeds the % left to refund on this payment',
      refund_amount, original.amount - already
      using errcode = 'LLRUL';
  end if;
  insert into payments (order_id, amount, currency, method, idempotency_key, status, recorded_by,
                        kind, refund_of, reason)
  values (original.order_id, refund_amount, original.currency, original.method, key, 'succeeded',
          app.current_user_id(), 'refund', original.id, refund_reason)
  returning id into new_id;
  return query select new_id, false, o.payment_status from orders o where o.id = original.order_id;
end;
$$;

revoke all on function app.refund_payment(uuid, numeric, text, text) from public;
grant execute on function app.refund_payment(uuid, numeric, text, text) to authenticated;
