set local role loomline_owner;
-- Reverses 013.do.quotes-workflow.sql: the grants of 008 come back, the
-- functions and triggers go.

drop function app.convert_quote_to_order(uuid, uuid);
drop function app.request_quote(uuid, text, text, text, text, text, text, integer, complexity_level, text, text);
drop function app.quote_contacts(uuid[]);
drop function app.quote_leads(uuid[]);

drop trigger _010_status_transition on quotes;
drop function app_private.tg_quotes__status_transition();
drop function app.quote_status_next(quote_status);

drop trigger _010_estimate on quotes;
drop trigger _010_estimate_update on quotes;
drop function app_private.tg_quotes__estimate();
drop function app.quote_estimate(text, integer, complexity_level, text, production_route, text);

grant select (customer_email, phone_number, lead_notes, session_id) on quotes to authenticated;
grant update (quote_data, total_price, estimated_delivery_days, alternative_options, base_cost,
              specialty_cost, specialty_sourcing_required)
  on quotes to authenticated;
grant insert (quote_data, total_price, estimated_delivery_days, suggestions, alternative_options,
              status, lead_status, specialty_sourcing_required, production_route, specialty_notes,
              base_cost, specialty_cost)
  on quotes to anonymous, authenticated;
