-- Function volatility, reviewed for every function of public, app and
-- app_private after 001-008 (test/sql/function-volatility.test.ts holds the
-- decision for each one; sql/CONVENTIONS.md the rule).
--
-- All were right but one: every helper a policy calls is STABLE, every
-- function that writes, draws random bytes, calls nextval or pg_notify is
-- VOLATILE, and so is every trigger function. The exception:
--
-- app.listing_matches_filter(listing, filter) was STABLE, yet it reads no
-- table, setting or clock: the listing row and the saved search's filter
-- are its arguments, and everything it calls is immutable
-- (websearch_to_tsquery with the 'english' configuration included).
set local role loomline_owner;

alter function app.listing_matches_filter(marketplace_products, jsonb) immutable;
