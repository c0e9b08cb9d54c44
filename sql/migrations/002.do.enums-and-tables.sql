-- Enumerations and tables: columns, keys, foreign keys and CHECK constraints.
-- Generated columns, indexes, triggers and policies each have their own file.
set local role loomline_owner;

-- CHECK helpers (immutable, so constraints may call them).
create function app_private.is_http_url(value text) returns boolean
  language sql immutable parallel safe
  return value ~ '^https?://[^\s/$.?#][^\s]*$';

create function app_private.are_http_urls(value text[]) returns boolean
  language sql immutable parallel safe
  return coalesce((select bool_and(app_private.is_http_url(u)) from unnest(value) as u), true);

create function app_private.is_email(value text) returns boolean
  language sql immutable parallel safe
  return value ~* '^[a-z0-9.!#$%&''*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$'
    and length(value) <= 254;

-- Encrypted-at-rest fields hold `enc:v1:<keyId>:<iv>:<ciphertext+tag>` (base64url).
create function app_private.is_ciphertext(value text) returns boolean
  language sql immutable parallel safe
  return value ~ '^enc:v1:[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$';

-- A saved search's filter has the shape of the marketplaceProducts filter
-- (see app.listing_matches_filter); junk in it would break listing approval.
create function app_private.is_listing_filter(filter jsonb) returns boolean
  language sql immutable parallel safe
  return jsonb_typeof(filter) = 'object'
    and coalesce(jsonb_typeof(filter -> 'search'), 'string') in ('string', 'null')
    and coalesce(jsonb_typeof(filter -> 'category'), 'string') in ('string', 'null')
    and coalesce(jsonb_typeof(filter -> 'minPrice'), 'number') in ('number', 'null')
    and coalesce(jsonb_typeof(filter -> 'maxPrice'), 'number') in ('number', 'null')
    and coalesce(jsonb_typeof(filter -> 'colors'), 'array') in ('array', 'null')
    and coalesce(jsonb_typeof(filter -> 'sizes'), 'array') in ('array', 'null')
    and coalesce(jsonb_typeof(filter -> 'featured'), 'boolean') in ('boolean', 'null')
    and coalesce(filter ->> 'supplierId', '00000000-0000-0000-0000-000000000000')
        ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

create type app_role as enum ('admin', 'buyer', 'supplier');
create type verification_status as enum ('pending', 'verified', 'rejected', 'suspended');
create type supplier_tier as enum ('standard', 'silver', 'gold', 'platinum');
create type listing_status as enum ('draft', 'pending_approval', 'approved', 'rejected', 'sold_out', 'archived');
create type reservation_status as enum ('held', 'committed', 'released');
create type complexity_level as enum ('simple', 'moderate', 'complex');
create type quote_status as enum ('draft', 'sent', 'accepted', 'rejected', 'converted', 'expired');
create type lead_status as enum ('new', 'contacted', 'hot', 'warm', 'cold', 'lost');
create type production_route as enum ('standard', 'hybrid', 'specialty_only');
create type order_status as enum ('draft', 'submitted', 'confirmed', 'in_production', 'quality_check', 'shipped', 'delivered', 'cancelled');
create type payment_status as enum ('unpaid', 'partially_paid', 'paid', 'refunded');
create type supplier_order_status as enum ('pending', 'accepted', 'rejected', 'cancelled', 'completed');
create type acceptance_status as enum ('pending', 'accepted', 'rejected', 'counter_offered');
create type stage_status as enum ('pending', 'in_progress', 'completed', 'delayed');
create type payment_transaction_status as enum ('pending', 'succeeded', 'failed', 'refunded');
create type notification_type as enum ('order_status', 'stage_update', 'message', 'quote', 'listing', 'system');
create type feedback_type as enum ('bug', 'feature', 'general', 'support');
create type feedback_priority as enum ('low', 'medium', 'high', 'urgent');
create type feedback_status as enum ('open', 'in_progress', 'resolved', 'closed');

-- ------------------------------------------------------ identity and access

create table users (
  id uuid primary key default gen_random_uuid(),
  email citext not null constraint users_email_key unique
    constraint users_email_check check (app_private.is_email(email::text)),
  password_hash text,
  email_verified_at timestamptz,
  last_sign_in_at timestamptz,
  disabled_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table profiles (
  id uuid primary key references users (id) on delete cascade,
  full_name text constraint profiles_full_name_check check (length(full_name) <= 200),
  company_name text constraint profiles_company_name_check check (length(company_name) <= 200),
  phone text constraint profiles_phone_check check (phone ~ '^\+?[0-9 ()./-]{5,32}$'),
  avatar_url text constraint profiles_avatar_url_check check (app_private.is_http_url(avatar_url)),
  timezone text not null default 'UTC',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table user_roles (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  role app_role not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint user_roles_user_id_role_key unique (user_id, role)
);

create table refresh_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  token_hash text not null constraint refresh_tokens_token_hash_key unique,
  family_id uuid not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  replaced_by uuid references refresh_tokens (id) on delete set null,
  user_agent text,
  ip inet,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  name text not null constraint api_keys_name_check check (length(name) between 1 and 100),
  prefix text not null constraint api_keys_prefix_key unique,
  key_hash text not null constraint api_keys_key_hash_key unique,
  scopes text[] not null default '{}',
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table api_usage (
  id uuid primary key default gen_random_uuid(),
  api_key_id uuid references api_keys (id) on delete set null,
  user_id uuid references users (id) on delete set null,
  operation_name text,
  status text not null,
  duration_ms integer not null constraint api_usage_duration_ms_check check (duration_ms >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table user_preferences (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null constraint user_preferences_user_id_key unique references users (id) on delete cascade,
  locale text not null default 'en' constraint user_preferences_locale_check check (locale ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
  notification_settings jsonb not null
    default '{"email": ["order_status", "message"], "inApp": ["order_status", "stage_update", "message", "quote", "listing", "system"]}'
    constraint user_preferences_notification_settings_check check (jsonb_typeof(notification_settings) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- ------------------------------------------------------------- supply side

create table suppliers (
  id uuid primary key default gen_random_uuid(),
  user_id uuid constraint suppliers_user_id_key unique references users (id) on delete set null,
  company_name text not null constraint suppliers_company_name_check check (length(company_name) between 1 and 200),
  business_type text,
  country char(2) not null constraint suppliers_country_check check (country ~ '^[A-Z]{2}$'),
  city text,
  address text constraint suppliers_address_check check (app_private.is_ciphertext(address)),
  contact_email text constraint suppliers_contact_email_check check (app_private.is_ciphertext(contact_email)),
  contact_phone text constraint suppliers_contact_phone_check check (app_private.is_ciphertext(contact_phone)),
  production_capacity_monthly integer
    constraint suppliers_production_capacity_monthly_check check (production_capacity_monthly > 0),
  minimum_order_quantity integer not null default 1
    constraint suppliers_minimum_order_quantity_check check (minimum_order_quantity >= 1),
  lead_time_days integer not null default 30 constraint suppliers_lead_time_days_check check (lead_time_days >= 0),
  specializations text[] not null default '{}',
  verification_status verification_status not null default 'pending',
  tier supplier_tier not null default 'standard',
  rating numeric(3, 2) not null default 0 constraint suppliers_rating_check check (rating between 0 and 5),
  total_orders integer not null default 0 constraint suppliers_total_orders_check check (total_orders >= 0),
  on_time_delivery_rate numeric(5, 2) not null default 0
    constraint suppliers_on_time_delivery_rate_check check (on_time_delivery_rate between 0 and 100),
  can_list_products boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table products (
  id uuid primary key default gen_random_uuid(),
  supplier_id uuid not null references suppliers (id) on delete cascade,
  name text not null,
  category text not null,
  description text,
  base_price numeric(12, 2) not null constraint products_base_price_check check (base_price > 0),
  featured boolean not null default false,
  minimum_order integer not null default 1 constraint products_minimum_order_check check (minimum_order >= 1),
  available_colors text[] not null default '{}',
  available_sizes text[] not null default '{}',
  lead_time_days integer constraint products_lead_time_days_check check (lead_time_days >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table marketplace_products (
  id uuid primary key default gen_random_uuid(),
  supplier_id uuid not null references suppliers (id) on delete cascade,
  product_type text not null,
  title text not null constraint marketplace_products_title_check check (length(title) between 1 and 200),
  description text,
  category text not null,
  subcategory text,
  slug text not null constraint marketplace_products_slug_key unique
    constraint marketplace_products_slug_check check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 160),
  base_price numeric(12, 2) not null constraint marketplace_products_base_price_check check (base_price > 0),
  platform_fee_percentage numeric(5, 2) not null default 10.00
    constraint marketplace_products_platform_fee_percentage_check check (platform_fee_percentage between 0 and 100),
  stock_quantity integer not null default 0 constraint marketplace_products_stock_quantity_check check (stock_quantity >= 0),
  reserved_quantity integer not null default 0
    constraint marketplace_products_reserved_quantity_check check (reserved_quantity >= 0 and reserved_quantity <= stock_quantity),
  moq integer not null default 1 constraint marketplace_products_moq_check check (moq >= 1),
  unit text not null default 'pieces',
  images text[] not null default '{}' constraint marketplace_products_images_check check (app_private.are_http_urls(images)),
  primary_image text constraint marketplace_products_primary_image_check check (app_private.is_http_url(primary_image)),
  video_url text constraint marketplace_products_video_url_check check (app_private.is_http_url(video_url)),
  sizes text[] not null default '{}',
  colors text[] not null default '{}',
  material text,
  gsm integer constraint marketplace_products_gsm_check check (gsm > 0),
  fabric_composition text,
  attributes jsonb not null default '{}'
    constraint marketplace_products_attributes_check check (jsonb_typeof(attributes) = 'object'),
  lead_time_days integer constraint marketplace_products_lead_time_days_check check (lead_time_days >= 0),
  shipping_from text,
  shipping_weight_kg numeric(8, 3) constraint marketplace_products_shipping_weight_kg_check check (shipping_weight_kg > 0),
  status listing_status not null default 'draft',
  rejection_reason text,
  admin_feedback text,
  quality_score integer constraint marketplace_products_quality_score_check check (quality_score between 0 and 100),
  approval_date timestamptz,
  approved_by uuid references users (id) on delete set null,
  views integer not null default 0 constraint marketplace_products_views_check check (views >= 0),
  inquiries integer not null default 0 constraint marketplace_products_inquiries_check check (inquiries >= 0),
  sales integer not null default 0 constraint marketplace_products_sales_check check (sales >= 0),
  rating numeric(3, 2) constraint marketplace_products_rating_check check (rating between 0 and 5),
  meta_keywords text[] not null default '{}',
  meta_description text,
  is_featured boolean not null default false,
  featured_until timestamptz,
  published_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint marketplace_products_rejection_reason_check check (status <> 'rejected' or rejection_reason is not null)
);

create table factory_capacity (
  id uuid primary key default gen_random_uuid(),
  supplier_id uuid not null references suppliers (id) on delete cascade,
  date date not null,
  capacity_units integer not null constraint factory_capacity_capacity_units_check check (capacity_units >= 0),
  booked_units integer not null default 0 constraint factory_capacity_booked_units_check check (booked_units >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint factory_capacity_supplier_id_date_key unique (supplier_id, date)
);

create table capacity_utilization_logs (
  id uuid primary key default gen_random_uuid(),
  supplier_id uuid not null references suppliers (id) on delete cascade,
  date date not null,
  utilization_pct numeric(5, 2) not null
    constraint capacity_utilization_logs_utilization_pct_check check (utilization_pct between 0 and 100),
  note text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- --------------------------------------------------- demand side and workflow

create table designs (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references users (id) on delete cascade,
  title text not null constraint designs_title_check check (length(title) between 1 and 200),
  description text,
  customization jsonb not null default '{}',
  image_urls text[] not null default '{}' constraint designs_image_urls_check check (app_private.are_http_urls(image_urls)),
  is_public boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table quotes (
  id uuid primary key default gen_random_uuid(),
  customer_email citext not null constraint quotes_customer_email_check check (app_private.is_email(customer_email::text)),
  customer_name text,
  phone_number text,
  country char(2) constraint quotes_country_check check (country ~ '^[A-Z]{2}$'),
  session_id text,
  requested_by uuid references users (id) on delete set null,
  design_id uuid references designs (id) on delete set null,
  product_type text not null,
  quantity integer not null constraint quotes_quantity_check check (quantity > 0),
  complexity_level complexity_level not null default 'moderate',
  fabric_type text,
  additional_requirements text,
  quote_data jsonb not null default '{}',
  total_price numeric(12, 2) constraint quotes_total_price_check check (total_price >= 0),
  estimated_delivery_days integer constraint quotes_estimated_delivery_days_check check (estimated_delivery_days >= 0),
  suggestions text,
  alternative_options jsonb not null default '[]',
  status quote_status not null default 'draft',
  lead_status lead_status not null default 'new',
  lead_notes text,
  specialty_sourcing_required boolean not null default false,
  production_route production_route not null default 'standard',
  specialty_notes text,
  base_cost numeric(12, 2) constraint quotes_base_cost_check check (base_cost >= 0),
  specialty_cost numeric(12, 2) constraint quotes_specialty_cost_check check (specialty_cost >= 0),
  admin_markup numeric(12, 2),
  assigned_supplier_id uuid references suppliers (id) on delete set null,
  assigned_at timestamptz,
  assigned_by uuid references users (id) on delete set null,
  converted_to_order_id uuid constraint quotes_converted_to_order_id_key unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Order numbers come from sequences through functions, so every writer
-- (API, SQL script, job) gets the same human-readable format.
create sequence app_private.order_number_seq;
create sequence app_private.supplier_order_number_seq;

create function app.next_order_number() returns text
  language sql volatile security definer
  set search_path = pg_catalog, app_private, pg_temp
  return 'LL-' || to_char(now(), 'YYYY') || '-' || lpad(nextval('app_private.order_number_seq')::text, 6, '0');

create function app.next_supplier_order_number() returns text
  language sql volatile security definer
  set search_path = pg_catalog, app_private, pg_temp
  return 'SO-' || to_char(now(), 'YYYY') || '-' || lpad(nextval('app_private.supplier_order_number_seq')::text, 6, '0');

-- 24 random bytes as base64url: 32 characters, 192 bits, unguessable.
create function app.new_tracking_token() returns text
  language sql volatile
  set search_path = pg_catalog, public, pg_temp
  return translate(encode(gen_random_bytes(24), 'base64'), '+/', '-_');

create table orders (
  id uuid primary key default gen_random_uuid(),
  order_number text not null default app.next_order_number() constraint orders_order_number_key unique,
  buyer_id uuid references users (id) on delete set null,
  supplier_id uuid references suppliers (id) on delete set null,
  quote_id uuid references quotes (id) on delete set null,
  product_type text not null,
  quantity integer not null constraint orders_quantity_check check (quantity > 0),
  status order_status not null default 'draft',
  payment_status payment_status not null default 'unpaid',
  target_date date,
  expected_delivery_date date,
  actual_delivery_date date,
  notes text,
  cancellation_reason text,
  current_stage integer constraint orders_current_stage_check check (current_stage between 1 and 8),
  stage_progress jsonb not null default '{}'
    constraint orders_stage_progress_check check (jsonb_typeof(stage_progress) = 'object'),
  tracking_token text not null default app.new_tracking_token() constraint orders_tracking_token_key unique,
  total_amount numeric(12, 2) not null default 0 constraint orders_total_amount_check check (total_amount >= 0),
  currency char(3) not null default 'USD' constraint orders_currency_check check (currency ~ '^[A-Z]{3}$'),
  version integer not null default 1 constraint orders_version_check check (version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint orders_target_date_check check (target_date <= expected_delivery_date)
);

alter table quotes add constraint quotes_converted_to_order_id_fkey
  foreign key (converted_to_order_id) references orders (id) on delete set null;

create table order_items (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null references orders (id) on delete cascade,
  marketplace_product_id uuid references marketplace_products (id) on delete set null,
  design_id uuid references designs (id) on delete set null,
  description text not null,
  quantity integer not null constraint order_items_quantity_check check (quantity > 0),
  unit_price numeric(12, 2) not null constraint order_items_unit_price_check check (unit_price >= 0),
  customization jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table order_status_history (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null references orders (id) on delete cascade,
  from_status order_status,
  to_status order_status not null,
  changed_by uuid references users (id) on delete set null,
  note text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table stock_reservations (
  id uuid primary key default gen_random_uuid(),
  marketplace_product_id uuid not null references marketplace_products (id) on delete cascade,
  order_id uuid references orders (id) on delete cascade,
  reserved_by uuid references users (id) on delete set null,
  quantity integer not null constraint stock_reservations_quantity_check check (quantity > 0),
  status reservation_status not null default 'held',
  expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table supplier_orders (
  id uuid primary key default gen_random_uuid(),
  order_number text not null default app.next_supplier_order_number() constraint supplier_orders_order_number_key unique,
  supplier_id uuid not null references suppliers (id) on delete restrict,
  buyer_order_id uuid not null references orders (id) on delete cascade,
  product_type text not null,
  quantity integer not null constraint supplier_orders_quantity_check check (quantity > 0),
  buyer_price numeric(12, 2) not null constraint supplier_orders_buyer_price_check check (buyer_price >= 0),
  supplier_price numeric(12, 2) not null constraint supplier_orders_supplier_price_check check (supplier_price >= 0),
  target_date date,
  status supplier_order_status not null default 'pending',
  acceptance_status acceptance_status not null default 'pending',
  accepted_at timestamptz,
  rejected_at timestamptz,
  rejection_reason text,
  counter_offer_price numeric(12, 2) constraint supplier_orders_counter_offer_price_check check (counter_offer_price > 0),
  counter_offer_notes text,
  tech_pack_urls text[] not null default '{}'
    constraint supplier_orders_tech_pack_urls_check check (app_private.are_http_urls(tech_pack_urls)),
  reference_images text[] not null default '{}'
    constraint supplier_orders_reference_images_check check (app_private.are_http_urls(reference_images)),
  special_instructions text,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint supplier_orders_counter_offer_check
    check (acceptance_status <> 'counter_offered' or counter_offer_price is not null)
);

create table production_stages (
  id uuid primary key default gen_random_uuid(),
  supplier_order_id uuid not null references supplier_orders (id) on delete cascade,
  stage_number smallint not null constraint production_stages_stage_number_check check (stage_number between 1 and 8),
  stage_name text not null,
  description text,
  target_date date,
  completion_percentage numeric(5, 2) not null default 0
    constraint production_stages_completion_percentage_check check (completion_percentage between 0 and 100),
  status stage_status not null default 'pending',
  photos text[] not null default '{}' constraint production_stages_photos_check check (app_private.are_http_urls(photos)),
  notes text,
  started_at timestamptz,
  completed_at timestamptz,
  updated_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint production_stages_supplier_order_id_stage_number_key unique (supplier_order_id, stage_number)
);

create table payments (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null references orders (id) on delete cascade,
  amount numeric(12, 2) not null constraint payments_amount_check check (amount > 0),
  currency char(3) not null default 'USD' constraint payments_currency_check check (currency ~ '^[A-Z]{3}$'),
  method text not null,
  provider_reference text,
  idempotency_key text not null constraint payments_idempotency_key_key unique
    constraint payments_idempotency_key_check check (length(idempotency_key) between 8 and 200),
  status payment_transaction_status not null default 'pending',
  recorded_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- ------------------------------------------------------------- communication

create table messages (
  id uuid primary key default gen_random_uuid(),
  sender_id uuid references users (id) on delete set null,
  recipient_id uuid references users (id) on delete set null,
  order_id uuid references orders (id) on delete cascade,
  subject text constraint messages_subject_check check (length(subject) <= 200),
  body text not null constraint messages_body_check check (length(body) between 1 and 20000),
  attachments text[] not null default '{}' constraint messages_attachments_check check (app_private.are_http_urls(attachments)),
  read_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  type notification_type not null,
  title text not null,
  body text,
  data jsonb not null default '{}',
  read_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table saved_searches (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  name text not null constraint saved_searches_name_check check (length(name) between 1 and 100),
  filter jsonb not null default '{}' constraint saved_searches_filter_check check (app_private.is_listing_filter(filter)),
  is_active boolean not null default true,
  last_notified_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table feedback (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references users (id) on delete set null,
  message text not null constraint feedback_message_check check (length(message) between 1 and 10000),
  feedback_type feedback_type not null default 'general',
  priority feedback_priority not null default 'medium',
  status feedback_status not null default 'open',
  contact_email citext constraint feedback_contact_email_check check (app_private.is_email(contact_email::text)),
  admin_response text,
  responded_by uuid references users (id) on delete set null,
  responded_at timestamptz,
  rating smallint constraint feedback_rating_check check (rating between 1 and 5),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- ----------------------------------------------------------------- audit

-- actor_id has no foreign key: history outlives its actors, and a
-- SET NULL would be an UPDATE, which this table refuses.
create table audit_log (
  id uuid primary key default gen_random_uuid(),
  actor_id uuid,
  actor_role text,
  action text not null constraint audit_log_action_check check (action ~ '^[a-z][a-z_]*$'),
  table_name text not null,
  record_id uuid,
  old_data jsonb,
  new_data jsonb,
  request_id text,
  ip inet,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
