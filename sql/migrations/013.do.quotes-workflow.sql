set local role loomline_owner;
-- quotes: the database owns the estimate and the status (issue 9, items 1
-- and 7).
--
-- The security review inserted, as a buyer in SQL, a quote as `sent` at
-- `total_price 1.00`, moved it to `accepted`, and moved a `converted` quote
-- back to `accepted`; an assigned supplier could read the customer's email
-- and phone. This file closes each:
--
--   * The pricing model lives here, once: app.quote_estimate() is a pure
--     (immutable) function of the request (product type, quantity,
--     complexity, fabric, production route, destination country). The API's
--     PricingModel (src/services/pricing.ts) calls it; nothing else prices.
--   * A BEFORE trigger writes the estimate on every quote a request role
--     inserts, and again when an input of the estimate or the admin's markup
--     changes: total_price = the estimate + admin_markup. The request roles
--     lose INSERT on the estimate, status and admin columns, and UPDATE on
--     the estimate columns; admins keep the markup, the route and the status.
--   * app.request_quote() is how the API records a request (anonymous
--     callers too, who cannot read back what they insert): it stores the row
--     as draft under the caller's identity and returns the estimate.
--   * Status moves only along app.quote_status_transition_allowed(); a
--     refused move raises LLTRN naming the allowed ones. `converted` comes
--     with its order, once.
--   * app.convert_quote_to_order() (admins): the order, its line and the
--     quote's status in one statement.
--   * customer_email and phone_number are no longer selectable by
--     `authenticated`; app.quote_contacts() returns them to the requester and
--     admins only (the assigned supplier sees the row, not the contact).

-- ------------------------------------------------------------ the pricing model

-- Deterministic and documented (src/services/pricing.ts repeats the tables
-- for readers; this function is the only implementation):
--   unit base   = product base price x quantity break x complexity x fabric,
--                 rounded to cents
--   specialty   = unit base x route surcharge (standard 0, hybrid 12 %,
--                 specialty_only 30 %), rounded to cents
--   logistics   = per-unit freight by destination region
--   unit price  = unit base + specialty + logistics;  total = unit price x quantity
--   lead time   = 21 days + complexity + volume (3 days per started 500 pieces,
--                 at most 30) + route + transit by region
-- Unknown product types and fabrics price as "other" (no error: a visitor's
-- free text still gets an estimate an admin can refine with the markup).
create function app.quote_estimate(
  product_type text,
  quantity integer,
  complexity_level complexity_level,
  fabric_type text,
  production_route production_route,
  country text
) returns table (
  unit_price numeric(12, 2),
  total_price numeric(12, 2),
  base_cost numeric(12, 2),
  specialty_cost numeric(12, 2),
  logistics_cost numeric(12, 2),
  estimated_delivery_days integer,
  quote_data jsonb
)
  language sql immutable parallel safe
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  with f as (
    select
      case lower(btrim(coalesce(quote_estimate.product_type, '')))
        when 'sweater' then 28.00 when 'cardigan' then 34.00 when 'hoodie' then 30.00
        when 'dress' then 42.00 when 'vest' then 22.00 when 'scarf' then 12.00
        when 'beanie' then 9.00 when 'gloves' then 11.00
        else 25.00 end as product_base,
      case
        when quote_estimate.quantity < 50 then 1.30
        when quote_estimate.quantity < 100 then 1.15
        when quote_estimate.quantity < 300 then 1.00
        when quote_estimate.quantity < 1000 then 0.90
        when quote_estimate.quantity < 5000 then 0.82
        else 0.75 end as quantity_factor,
      case quote_estimate.complexity_level
        when 'simple' then 0.90 when 'complex' then 1.25 else 1.00 end as complexity_factor,
      case lower(btrim(coalesce(quote_estimate.fabric_type, '')))
        when 'acrylic' then 0.85 when 'cotton' then 1.00 when 'blend' then 1.10
        when 'wool' then 1.35 when 'merino' then 1.50 when 'alpaca' then 1.80
        when 'cashmere' then 2.40 else 1.00 end as fabric_factor,
      case quote_estimate.production_route
        when 'hybrid' then 0.12 when 'specialty_only' then 0.30 else 0.00 end as route_surcharge,
      case
        when upper(quote_estimate.country) in ('CN', 'VN', 'BD', 'IN', 'TR', 'PT') then 'near'
        when upper(quote_estimate.country) in ('US', 'CA', 'MX') then 'north_america'
        when upper(quote_estimate.country) in (
          'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT',
          'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'RO', 'SK', 'SI', 'ES', 'SE', 'GB', 'CH', 'NO') then 'europe'
        else 'rest_of_world' end as region,
      case quote_estimate.complexity_level
        when 'simple' then 0 when 'complex' then 14 else 7 end as complexity_days,
      least(30, 3 * ((quote_estimate.quantity + 499) / 500)) as volume_days,
      case quote_estimate.production_route
        when 'hybrid' then 7 when 'specialty_only' then 14 else 0 end as route_days
  ), r as (
    select f.*,
           case f.region when 'near' then 0.80 when 'north_america' then 1.50
                         when 'europe' then 1.20 else 2.00 end as logistics_unit,
           case f.region when 'near' then 4 when 'north_america' then 10
                         when 'europe' then 8 else 14 end as transit_days,
           round(f.product_base * f.quantity_factor * f.complexity_factor * f.fabric_factor, 2) as base_unit
      from f
  ), u as (
    select r.*, round(r.base_unit * r.route_surcharge, 2) as specialty_unit from r
  )
  select u.base_unit + u.specialty_unit + u.logistics_unit,
         (u.base_unit + u.specialty_unit + u.logistics_unit) * quote_estimate.quantity,
         u.base_unit * quote_estimate.quantity,
         u.specialty_unit * quote_estimate.quantity,
         u.logistics_unit * quote_estimate.quantity,
         21 + u.complexity_days + u.volume_days + u.route_days + u.transit_days,
         jsonb_build_object(
           'model', 'loomline-quantity-breaks-v1',
           'unitPrice', u.base_unit + u.specialty_unit + u.logistics_unit,
           'lines', jsonb_build_array(
             jsonb_build_object('kind', 'production', 'unitPrice', u.base_unit,
                                'amount', u.base_unit * quote_estimate.quantity),
             jsonb_build_object('kind', 'specialty', 'unitPrice', u.specialty_unit,
                                'amount', u.specialty_unit * quote_estimate.quantity),
             jsonb_build_object('kind', 'logistics', 'unitPrice', u.logistics_unit,
                                'amount', u.logistics_unit * quote_estimate.quantity)),
           'factors', jsonb_build_object(
             'productBase', u.product_base, 'quantityBreak', u.quantity_factor,
             'complexity', u.complexity_factor, 'fabric', u.fabric_factor,
             'routeSurcharge', u.route_surcharge, 'region', u.region))
    from u
   where quote_estimate.quantity between 1 and 1000000;
end;

-- ------------------------------------------------------------ estimate trigger

-- Request roles never write the estimate: every inserted row, and every row
-- whose estimate inputs or markup change, is priced here. The owner (seed,
-- fixtures, the definer functions below) may store a given estimate; when it
-- gives none, the model prices the row too.
create function app_private.tg_quotes__estimate() returns trigger
  language plpgsql
  set search_path = pg_catalog, public, app, pg_temp
as $$
declare
  e record;
begin
  if tg_op = 'INSERT' and current_user not in ('anonymous', 'authenticated')
     and new.total_price is not null then
    return new;
  end if;
  if new.quantity > 1000000 then
    raise exception 'a quote is for at most 1000000 pieces' using errcode = 'LLRUL';
  elsif new.quantity is null or new.quantity < 1 then
    return new; -- the CHECK on quantity refuses the row
  end if;
  select * into strict e from app.quote_estimate(
    new.product_type, new.quantity, new.complexity_level, new.fabric_type,
    new.production_route, new.country);
  new.base_cost := e.base_cost;
  new.specialty_cost := e.specialty_cost;
  new.quote_data := e.quote_data || jsonb_build_object('logisticsCost', e.logistics_cost);
  new.estimated_delivery_days := e.estimated_delivery_days;
  new.total_price := e.total_price + coalesce(new.admin_markup, 0);
  new.specialty_sourcing_required := new.production_route <> 'standard';
  return new;
end;
$$;

create trigger _010_estimate before insert on quotes
  for each row execute function app_private.tg_quotes__estimate();
create trigger _010_estimate_update
  before update of product_type, quantity, complexity_level, fabric_type, production_route, country, admin_markup
  on quotes
  for each row execute function app_private.tg_quotes__estimate();

-- ------------------------------------------------------------ status transitions

create function app.quote_status_next(from_status quote_status) returns quote_status[]
  language sql immutable parallel safe
  set search_path = pg_catalog, public, app, pg_temp
  return case from_status
    when 'draft' then array['sent', 'rejected', 'expired', 'converted']::quote_status[]
    when 'sent' then array['accepted', 'rejected', 'expired', 'converted']::quote_status[]
    when 'accepted' then array['converted', 'expired']::quote_status[]
    else array[]::quote_status[]
  end;

create function app_private.tg_quotes__status_transition() returns trigger
  language plpgsql
  set search_path = pg_catalog, public, app, pg_temp
as $$
declare
  allowed quote_status[];
begin
  if new.status is distinct from old.status then
    allowed := app.quote_status_next(old.status);
    if not new.status = any (allowed) then
      raise exception 'quote cannot go from % to %; allowed from %: %', old.status, new.status, old.status,
        coalesce(nullif(array_to_string(allowed, ', '), ''), 'none')
        using errcode = 'LLTRN';
    end if;
  end if;
  -- (Deleting the order sets it to null: allowed.)
  if old.converted_to_order_id is not null and new.converted_to_order_id is not null
     and new.converted_to_order_id <> old.converted_to_order_id then
    raise exception 'quote was already converted to an order' using errcode = 'LLTRN';
  end if;
  if new.status = 'converted' and old.status <> 'converted' and new.converted_to_order_id is null
     or new.status <> 'converted' and new.converted_to_order_id is not null then
    raise exception 'a converted quote names its order, and only a converted quote does'
      using errcode = 'LLRUL';
  end if;
  return new;
end;
$$;

create trigger _010_status_transition
  before update of status, converted_to_order_id on quotes
  for each row execute function app_private.tg_quotes__status_transition();

-- ------------------------------------------------------------ grants

-- What a request may insert: the request itself. Statuses, the estimate, the
-- route and the admin's columns are the database's (trigger above, column
-- defaults checked by _001/_002).
revoke insert (quote_data, total_price, estimated_delivery_days, suggestions, alternative_options,
               status, lead_status, specialty_sourcing_required, production_route, specialty_notes,
               base_cost, specialty_cost)
  on quotes from anonymous, authenticated;
-- The estimate is never written by a request; admins move the markup and
-- the route, and the trigger prices again.
revoke update (quote_data, total_price, estimated_delivery_days, alternative_options, base_cost,
               specialty_cost, specialty_sourcing_required)
  on quotes from authenticated;
-- The customer's contact: through app.quote_contacts() only.
revoke select (customer_email, phone_number) on quotes from authenticated;
-- The admins' sales notes and an anonymous visitor's session id were
-- readable by the requester and the assigned supplier: through
-- app.quote_leads() (admins) only. (lead_status stays selectable: admins
-- filter lists by it; the GraphQL field is for admins.)
revoke select (lead_notes, session_id) on quotes from authenticated;

-- ------------------------------------------------------------ functions for the API

-- The contact of a quote's customer, for its requester and admins (not the
-- assigned supplier). One statement per page (a DataLoader).
create function app.quote_contacts(quote_ids uuid[])
  returns table (quote_id uuid, customer_email text, phone_number text)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select q.id, q.customer_email::text, q.phone_number
    from (select (select app.is_admin()) as admin, (select app.current_user_id()) as user_id) c,
         quotes q
   where q.id = any (quote_contacts.quote_ids)
     and (c.admin or q.requested_by = c.user_id);
end;

-- The sales side of a quote, for admins only.
create function app.quote_leads(quote_ids uuid[])
  returns table (quote_id uuid, lead_notes text, session_id text)
  language sql stable security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select q.id, q.lead_notes, q.session_id
    from quotes q
   where q.id = any (quote_leads.quote_ids)
     and (select app.is_admin());
end;

-- A quote request, as the caller (anonymous or signed in): stored as draft,
-- priced by the trigger, requested_by from the signed claims. Returns what
-- the caller may know of it, since anonymous callers cannot select quotes.
create function app.request_quote(
  quote_id uuid,
  customer_email text,
  customer_name text,
  phone_number text,
  country text,
  session_id text,
  product_type text,
  quantity integer,
  complexity_level complexity_level,
  fabric_type text,
  additional_requirements text
) returns table (
  id uuid,
  status quote_status,
  total_price numeric(12, 2),
  estimated_delivery_days integer,
  quote_data jsonb,
  created_at timestamptz
)
  language sql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  insert into quotes as q (id, customer_email, customer_name, phone_number, country, session_id,
                           requested_by, product_type, quantity, complexity_level, fabric_type,
                           additional_requirements)
  values (request_quote.quote_id, request_quote.customer_email, request_quote.customer_name,
          request_quote.phone_number, request_quote.country, request_quote.session_id,
          app.current_user_id(), request_quote.product_type, request_quote.quantity,
          request_quote.complexity_level, request_quote.fabric_type,
          request_quote.additional_requirements)
  returning q.id, q.status, q.total_price, q.estimated_delivery_days, q.quote_data, q.created_at;
end;

-- An admin turns a quote into an order for a buyer (the requester unless
-- named): the order at the quote's price, its one line, and the quote
-- converted, all or nothing. The quote row is locked first, so two
-- conversions serialise and the second is refused.
create function app.convert_quote_to_order(quote_id uuid, buyer_id uuid) returns uuid
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, app, pg_temp
as $$
declare
  q quotes;
  buyer uuid;
  unit numeric(12, 2);
  order_id uuid;
begin
  if not app.is_admin() then
    raise exception 'only an administrator may convert a quote' using errcode = '42501';
  end if;
  select * into q from quotes where id = convert_quote_to_order.quote_id for update;
  if not found then
    raise exception 'no such quote' using errcode = 'LLRUL';
  end if;
  if q.converted_to_order_id is not null or q.status = 'converted' then
    raise exception 'quote was already converted to an order' using errcode = 'LLTRN';
  end if;
  if not 'converted' = any (app.quote_status_next(q.status)) then
    raise exception 'quote is %: only a draft, sent or accepted quote can be converted', q.status
      using errcode = 'LLTRN';
  end if;
  buyer := coalesce(convert_quote_to_order.buyer_id, q.requested_by);
  if buyer is null then
    raise exception 'this quote was requested anonymously: name the buyer' using errcode = 'LLRUL';
  end if;
  if not exists (select from user_roles r where r.user_id = buyer and r.role = 'buyer') then
    raise exception 'the order''s buyer must hold the buyer role' using errcode = 'LLRUL';
  end if;
  if q.total_price is null then
    raise exception 'the quote has no estimate' using errcode = 'LLRUL';
  end if;
  unit := round(q.total_price / q.quantity, 2);

  insert into orders (buyer_id, quote_id, product_type, quantity, status, total_amount, notes)
  values (buyer, q.id, q.product_type, q.quantity, 'submitted', unit * q.quantity,
          q.additional_requirements)
  returning id into order_id;
  insert into order_items (order_id, description, quantity, unit_price, customization)
  values (order_id, format('%s (quote)', q.product_type), q.quantity, unit,
          jsonb_build_object('quoteId', q.id, 'complexityLevel', q.complexity_level,
                             'fabricType', q.fabric_type, 'productionRoute', q.production_route));
  update quotes set status = 'converted', converted_to_order_id = order_id where id = q.id;
  return order_id;
end;
$$;

revoke execute on function
  app.quote_estimate(text, integer, complexity_level, text, production_route, text),
  app.quote_status_next(quote_status),
  app.quote_contacts(uuid[]),
  app.quote_leads(uuid[]),
  app.request_quote(uuid, text, text, text, text, text, text, integer, complexity_level, text, text),
  app.convert_quote_to_order(uuid, uuid),
  app_private.tg_quotes__estimate(),
  app_private.tg_quotes__status_transition()
  from public;
grant execute on function
  app.quote_estimate(text, integer, complexity_level, text, production_route, text),
  app.quote_status_next(quote_status),
  app.request_quote(uuid, text, text, text, text, text, text, integer, complexity_level, text, text)
  to anonymous, authenticated;
grant execute on function
  app.quote_contacts(uuid[]),
  app.quote_leads(uuid[]),
  app.convert_quote_to_order(uuid, uuid)
  to authenticated;
