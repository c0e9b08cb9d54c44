set local role loomline_owner;
-- Reverses 015.do.supplier-orders-and-production.sql.

alter table public.production_stages drop constraint production_stages_photos_check;
alter table public.production_stages add constraint production_stages_photos_check
  check (app_private.are_http_urls(photos));
drop function app_private.are_https_urls(text[]);

drop trigger _030_rules on public.production_stages;
drop function app_private.tg_production_stages__rules();

grant insert (created_by) on public.supplier_orders to authenticated;

drop trigger _010_quantities on public.supplier_orders;
drop function app_private.tg_supplier_orders__quantities();
drop trigger _006_supplier_response on public.supplier_orders;
drop function app_private.tg_supplier_orders__response();
drop trigger _003_created_by on public.supplier_orders;
drop function app_private.tg_supplier_orders__created_by();
