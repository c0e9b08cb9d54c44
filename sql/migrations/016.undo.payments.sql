set local role loomline_owner;
-- Reverses 016.do.payments.sql: the functions go, the rules and the
-- payment_status computation of 005 come back, and the refund columns go.
-- Refund rows are deleted first: without their kind they would read as
-- payments received.

drop function app.refund_payment(uuid, numeric, text, text);
drop function app.record_payment(uuid, numeric, text, text, text);
drop function app.can_write_payments();

delete from payments where kind = 'refund';

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
  select coalesce(sum(amount) filter (where status = 'succeeded'), 0),
         coalesce(sum(amount) filter (where status = 'refunded'), 0)
    into paid, refunded
    from payments where order_id = target_order;
  next_status := case
    when paid = 0 and refunded > 0 then 'refunded'
    when paid = 0 then 'unpaid'
    when paid >= order_total then 'paid'
    else 'partially_paid'
  end;
  update orders set payment_status = next_status
   where id = target_order and payment_status is distinct from next_status;
end;
$$;

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
  if (new.order_id, new.amount, new.currency, new.idempotency_key)
     is distinct from (old.order_id, old.amount, old.currency, old.idempotency_key) then
    raise exception 'a recorded payment''s order, amount and key cannot change' using errcode = 'LLRUL';
  end if;
  if new.status is distinct from old.status and not (
    (old.status = 'pending' and new.status in ('succeeded', 'failed'))
    or (old.status = 'succeeded' and new.status = 'refunded')
  ) then
    raise exception 'payment cannot go from % to %', old.status, new.status using errcode = 'LLTRN';
  end if;
  return new;
end;
$$;

drop index payments_refund_of_idx;
alter table payments
  drop constraint payments_reason_check,
  drop constraint payments_refund_of_check,
  drop column reason,
  drop column refund_of,
  drop column kind;

drop type payment_kind;
