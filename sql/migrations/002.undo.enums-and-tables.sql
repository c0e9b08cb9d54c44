set local role loomline_owner;

drop table audit_log, feedback, saved_searches, notifications, messages, payments, production_stages,
  supplier_orders, stock_reservations, order_status_history, order_items, orders, quotes, designs,
  capacity_utilization_logs, factory_capacity, marketplace_products, products, suppliers,
  user_preferences, api_usage, api_keys, refresh_tokens, user_roles, profiles, users;

drop function app.new_tracking_token();
drop function app.next_supplier_order_number();
drop function app.next_order_number();
drop sequence app_private.supplier_order_number_seq;
drop sequence app_private.order_number_seq;

drop type feedback_status, feedback_priority, feedback_type, notification_type, payment_transaction_status,
  stage_status, acceptance_status, supplier_order_status, payment_status, order_status, production_route,
  lead_status, quote_status, complexity_level, reservation_status, listing_status, supplier_tier,
  verification_status, app_role;

drop function app_private.is_ciphertext(text);
drop function app_private.is_listing_filter(jsonb);
drop function app_private.is_email(text);
drop function app_private.are_http_urls(text[]);
drop function app_private.is_http_url(text);
