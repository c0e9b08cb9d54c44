set local role loomline_owner;
-- Reverses 009: the volatility 005 declared.

alter function app.listing_matches_filter(marketplace_products, jsonb) stable;
