set local role loomline_owner;

alter table supplier_orders drop column margin;
alter table order_items drop column line_total;
alter table marketplace_products
  drop column search_vector,
  drop column available_quantity,
  drop column final_price,
  drop column platform_fee_amount;
