set local role loomline_owner;
-- Reverses 008: the index, the guard triggers, every policy of 008 (006's
-- select_approved and select_verified stay), the request roles' privileges
-- back to exactly 006's, and the functions.

drop index user_roles_role_idx;
drop index designs_is_public_idx;

-- Dropping the guard functions drops their triggers.
drop function app_private.tg__request_insert_defaults() cascade;
drop function app_private.tg__non_admin_transitions() cascade;
drop function app_private.tg__admin_only_columns() cascade;

drop policy select_admin on audit_log;
drop policy all_admin on feedback;
drop policy insert_own on feedback;
drop policy select_own on feedback;
drop policy insert_anonymous on feedback;
drop policy select_admin on saved_searches;
drop policy delete_own on saved_searches;
drop policy update_own on saved_searches;
drop policy insert_own on saved_searches;
drop policy select_own on saved_searches;
drop policy select_admin on notifications;
drop policy update_own on notifications;
drop policy select_own on notifications;
drop policy select_admin on messages;
drop policy update_recipient on messages;
drop policy insert_sender on messages;
drop policy select_party on messages;
drop policy update_admin on payments;
drop policy insert_admin on payments;
drop policy select_admin on payments;
drop policy insert_buyer on payments;
drop policy select_buyer on payments;
drop policy update_admin on production_stages;
drop policy select_admin on production_stages;
drop policy update_supplier on production_stages;
drop policy select_supplier on production_stages;
drop policy select_buyer on production_stages;
drop policy all_admin on supplier_orders;
drop policy update_supplier on supplier_orders;
drop policy select_supplier on supplier_orders;
drop policy select_buyer on supplier_orders;
drop policy select_admin on order_status_history;
drop policy select_supplier on order_status_history;
drop policy select_buyer on order_status_history;
drop policy all_admin on order_items;
drop policy insert_buyer on order_items;
drop policy select_buyer on order_items;
drop policy all_admin on orders;
drop policy update_buyer on orders;
drop policy insert_buyer on orders;
drop policy select_supplier on orders;
drop policy select_buyer on orders;
drop policy all_admin on quotes;
drop policy update_own on quotes;
drop policy insert_own on quotes;
drop policy select_assigned on quotes;
drop policy select_own on quotes;
drop policy insert_anonymous on quotes;
drop policy all_admin on designs;
drop policy delete_own on designs;
drop policy update_own on designs;
drop policy insert_own on designs;
drop policy select_public on designs;
drop policy select_own on designs;
drop policy insert_admin on capacity_utilization_logs;
drop policy select_admin on capacity_utilization_logs;
drop policy insert_own on capacity_utilization_logs;
drop policy select_own on capacity_utilization_logs;
drop policy all_admin on factory_capacity;
drop policy delete_own on factory_capacity;
drop policy update_own on factory_capacity;
drop policy insert_own on factory_capacity;
drop policy select_own on factory_capacity;
drop policy all_admin on stock_reservations;
drop policy update_own on stock_reservations;
drop policy insert_own on stock_reservations;
drop policy select_supplier on stock_reservations;
drop policy select_own on stock_reservations;
drop policy all_admin on marketplace_products;
drop policy delete_own on marketplace_products;
drop policy update_own on marketplace_products;
drop policy insert_own on marketplace_products;
drop policy select_own on marketplace_products;
drop policy all_admin on products;
drop policy delete_own on products;
drop policy update_own on products;
drop policy insert_own on products;
drop policy select_own on products;
drop policy all_admin on suppliers;
drop policy update_own on suppliers;
drop policy insert_own on suppliers;
drop policy select_of_my_orders on suppliers;
drop policy select_own on suppliers;
drop policy select_admin on user_preferences;
drop policy update_own on user_preferences;
drop policy select_own on user_preferences;
drop policy select_admin on api_usage;
drop policy select_own on api_usage;
drop policy update_admin on api_keys;
drop policy select_admin on api_keys;
drop policy select_own on api_keys;
drop policy update_admin on refresh_tokens;
drop policy select_admin on refresh_tokens;
drop policy select_own on refresh_tokens;
drop policy delete_admin on user_roles;
drop policy insert_admin on user_roles;
drop policy select_admin on user_roles;
drop policy select_own on user_roles;
drop policy all_admin on profiles;
drop policy update_own on profiles;
drop policy select_counterparty on profiles;
drop policy select_own on profiles;
drop policy select_admin on users;
drop policy select_own on users;

-- A table-level REVOKE also removes the column-level grants; then 006's
-- grants are restored as they were.
do $$
declare
  t text;
begin
  foreach t in array array[
    'users', 'profiles', 'user_roles', 'refresh_tokens', 'api_keys', 'api_usage', 'user_preferences', 'suppliers',
    'products', 'marketplace_products', 'stock_reservations', 'factory_capacity', 'capacity_utilization_logs',
    'designs', 'quotes', 'orders', 'order_items', 'order_status_history', 'supplier_orders', 'production_stages',
    'payments', 'messages', 'notifications', 'saved_searches', 'feedback', 'audit_log'
  ] loop
    execute format('revoke all on table %I from anonymous, authenticated', t);
  end loop;
end
$$;
grant select on marketplace_products to anonymous, authenticated;
grant select (
  id, company_name, business_type, country, city, production_capacity_monthly, minimum_order_quantity,
  lead_time_days, specializations, verification_status, tier, rating, total_orders, on_time_delivery_rate,
  can_list_products, created_at, updated_at
) on suppliers to anonymous, authenticated;

revoke execute on function
  app_private.is_http_url(text),
  app_private.are_http_urls(text[]),
  app_private.is_email(text),
  app_private.is_ciphertext(text),
  app_private.is_listing_filter(jsonb)
  from anonymous, authenticated;

drop function app.order_by_tracking_token(text);
drop function app.profile_phones(uuid[]);
drop function app.supplier_contacts(uuid[]);
drop function app.quote_pricing(uuid[]);
drop function app.order_amounts(uuid[]);
drop function app.supplier_order_prices(uuid[]);
drop function app.has_accepted_order_with(uuid);
drop function app.shares_order_with(uuid);
drop function app.is_supplier_of(uuid);
drop function app.is_buyer_of(uuid);
drop function app.contact_supplier_ids();
drop function app.correspondent_user_ids();
drop function app.counterparty_user_ids();
drop function app.suppliers_of_my_orders();
drop function app.supplier_orders_as_supplier();
drop function app.supplier_orders_as_buyer();
drop function app.orders_as_supplier();
drop function app.orders_as_buyer();
drop function app.current_listing_supplier_id();
drop function app.current_supplier_id();
drop function app.is_admin();
