-- Columns computed by Postgres from their row, never written by anyone.
set local role loomline_owner;

alter table marketplace_products
  add column platform_fee_amount numeric(12, 2) not null
    generated always as (round(base_price * platform_fee_percentage / 100, 2)) stored,
  add column final_price numeric(12, 2) not null
    generated always as (base_price + round(base_price * platform_fee_percentage / 100, 2)) stored,
  add column available_quantity integer not null
    generated always as (stock_quantity - reserved_quantity) stored,
  -- Listings are written in English; stemming lets "hoodies" find "hoodie".
  add column search_vector tsvector
    generated always as (
      setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
      || setweight(to_tsvector('english'::regconfig, coalesce(category, '') || ' ' || coalesce(material, '')), 'B')
      || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')
    ) stored;

alter table order_items
  add column line_total numeric(14, 2) not null generated always as (quantity * unit_price) stored;

alter table supplier_orders
  add column margin numeric(12, 2) not null generated always as (buyer_price - supplier_price) stored;
