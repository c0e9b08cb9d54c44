-- Row level security: enabled and FORCED on every table, so even the owner's
-- sessions are filtered unless the role has BYPASSRLS. A table without a
-- policy is default-deny for the request roles. Policies come before grants;
-- the full access matrix is built on this file by later migrations.
set local role loomline_owner;

do $$
declare
  t text;
begin
  foreach t in array array[
    'users', 'profiles', 'user_roles', 'refresh_tokens', 'api_keys', 'api_usage', 'user_preferences', 'suppliers', 'products', 'marketplace_products', 'stock_reservations', 'factory_capacity', 'capacity_utilization_logs', 'designs', 'quotes', 'orders', 'order_items', 'order_status_history', 'supplier_orders', 'production_stages', 'payments', 'messages', 'notifications', 'saved_searches', 'feedback', 'audit_log'
  ] loop
    execute format('alter table %I enable row level security, force row level security', t);
  end loop;
end
$$;

-- Identity helpers and column defaults the request roles evaluate.
grant execute on function
  app.current_claims(),
  app.current_user_id(),
  app.has_role(app_role),
  app.next_order_number(),
  app.next_supplier_order_number(),
  app.new_tracking_token(),
  app.order_status_transition_allowed(order_status, order_status),
  app.listing_matches_filter(marketplace_products, jsonb)
  to anonymous, authenticated;
grant execute on function app.is_order_party(uuid, uuid) to authenticated;

-- The public marketplace: approved listings, and the public face of
-- verified suppliers (never the encrypted contact fields).
create policy select_approved on marketplace_products for select to anonymous, authenticated
  using (status = 'approved');
grant select on marketplace_products to anonymous, authenticated;

create policy select_verified on suppliers for select to anonymous, authenticated
  using (verification_status = 'verified');
grant select (
  id, company_name, business_type, country, city, production_capacity_monthly, minimum_order_quantity,
  lead_time_days, specializations, verification_status, tier, rating, total_orders, on_time_delivery_rate,
  can_list_products, created_at, updated_at
) on suppliers to anonymous, authenticated;
