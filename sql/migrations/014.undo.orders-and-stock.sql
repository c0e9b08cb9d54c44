set local role loomline_owner;

drop function app_private.release_expired_stock_reservations(integer);
drop trigger _060_hold_rules on stock_reservations;
drop function app_private.tg_stock_reservations__hold_rules();

drop trigger _300_order_total_insert on order_items;
drop trigger _300_order_total_update on order_items;
drop trigger _300_order_total_delete on order_items;
drop function app_private.tg_order_items__order_total();
drop trigger _010_price on order_items;
drop function app_private.tg_order_items__price();

drop trigger _320_commit_stock on orders;
drop function app_private.tg_orders__commit_stock();
drop trigger _006_status_by_role on orders;
drop function app_private.tg_orders__status_by_role();
drop function app.order_transitions(order_status, boolean);

drop trigger _001_server_defaults on orders;
create trigger _001_server_defaults before insert on orders
  for each row execute function app_private.tg__request_insert_defaults('server', 'payment_status', 'stage_progress', 'version');
grant update (total_amount) on orders to authenticated;
