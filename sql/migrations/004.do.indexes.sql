-- Indexes. The plain ones mirror prisma/schema.prisma (@@index, Prisma's
-- default names); the partial and full-text ones exist only here.
-- Every foreign-key column is covered, as a leading column, by one of these
-- or by a unique constraint (test/sql/schema-rules.test.ts checks it).
set local role loomline_owner;

create index refresh_tokens_user_id_idx on refresh_tokens (user_id);
create index refresh_tokens_family_id_idx on refresh_tokens (family_id);
create index refresh_tokens_replaced_by_idx on refresh_tokens (replaced_by);
create index api_keys_user_id_idx on api_keys (user_id);
create index api_usage_api_key_id_idx on api_usage (api_key_id);
create index api_usage_user_id_idx on api_usage (user_id);
create index api_usage_created_at_idx on api_usage (created_at);
create index suppliers_specializations_idx on suppliers using gin (specializations);
create index suppliers_verification_status_idx on suppliers (verification_status);
create index suppliers_country_idx on suppliers (country);
create index products_supplier_id_idx on products (supplier_id);
create index marketplace_products_supplier_id_idx on marketplace_products (supplier_id);
create index marketplace_products_approved_by_idx on marketplace_products (approved_by);
create index marketplace_products_status_idx on marketplace_products (status);
create index marketplace_products_category_idx on marketplace_products (category);
create index marketplace_products_attributes_idx on marketplace_products using gin (attributes);
create index marketplace_products_colors_idx on marketplace_products using gin (colors);
create index marketplace_products_sizes_idx on marketplace_products using gin (sizes);
create index stock_reservations_marketplace_product_id_idx on stock_reservations (marketplace_product_id);
create index stock_reservations_order_id_idx on stock_reservations (order_id);
create index stock_reservations_reserved_by_idx on stock_reservations (reserved_by);
create index capacity_utilization_logs_supplier_id_date_idx on capacity_utilization_logs (supplier_id, date);
create index designs_owner_id_idx on designs (owner_id);
create index quotes_requested_by_idx on quotes (requested_by);
create index quotes_design_id_idx on quotes (design_id);
create index quotes_assigned_supplier_id_idx on quotes (assigned_supplier_id);
create index quotes_assigned_by_idx on quotes (assigned_by);
create index quotes_status_idx on quotes (status);
create index quotes_created_at_idx on quotes (created_at);
create index orders_buyer_id_idx on orders (buyer_id);
create index orders_supplier_id_idx on orders (supplier_id);
create index orders_quote_id_idx on orders (quote_id);
create index orders_status_idx on orders (status);
create index orders_created_at_idx on orders (created_at);
create index order_items_order_id_idx on order_items (order_id);
create index order_items_marketplace_product_id_idx on order_items (marketplace_product_id);
create index order_items_design_id_idx on order_items (design_id);
create index order_status_history_order_id_created_at_idx on order_status_history (order_id, created_at);
create index order_status_history_changed_by_idx on order_status_history (changed_by);
create index supplier_orders_supplier_id_status_idx on supplier_orders (supplier_id, status);
create index supplier_orders_buyer_order_id_idx on supplier_orders (buyer_order_id);
create index supplier_orders_created_by_idx on supplier_orders (created_by);
create index production_stages_updated_by_idx on production_stages (updated_by);
create index payments_order_id_idx on payments (order_id);
create index payments_recorded_by_idx on payments (recorded_by);
create index messages_sender_id_created_at_idx on messages (sender_id, created_at);
create index messages_recipient_id_created_at_idx on messages (recipient_id, created_at);
create index messages_order_id_idx on messages (order_id);
create index notifications_user_id_created_at_idx on notifications (user_id, created_at);
create index saved_searches_user_id_idx on saved_searches (user_id);
create index feedback_user_id_idx on feedback (user_id);
create index feedback_responded_by_idx on feedback (responded_by);
create index feedback_status_idx on feedback (status);
create index audit_log_actor_id_idx on audit_log (actor_id);
create index audit_log_table_name_record_id_idx on audit_log (table_name, record_id);
create index audit_log_created_at_idx on audit_log (created_at);

-- Full-text search over listings (the generated search_vector).
create index marketplace_products_search_vector_idx on marketplace_products using gin (search_vector);
-- The public marketplace: approved listings, newest approval first.
create index marketplace_products_approved_idx on marketplace_products (approval_date desc, id)
  where status = 'approved';
-- Featured listings (a handful among many).
create index marketplace_products_featured_idx on marketplace_products (featured_until)
  where is_featured;
-- Unread notifications, the badge count and the unreadOnly filter.
create index notifications_unread_idx on notifications (user_id, created_at desc)
  where read_at is null;
-- Delayed stages for supplier and admin dashboards.
create index production_stages_delayed_idx on production_stages (supplier_order_id)
  where status = 'delayed';
-- Held reservations, for the expiry job.
create index stock_reservations_held_idx on stock_reservations (expires_at)
  where status = 'held';
-- Active saved searches, matched when a listing is approved.
create index saved_searches_active_idx on saved_searches (user_id)
  where is_active;
-- Active refresh tokens of a family, revoked together on reuse.
create index refresh_tokens_active_family_idx on refresh_tokens (family_id)
  where revoked_at is null;
