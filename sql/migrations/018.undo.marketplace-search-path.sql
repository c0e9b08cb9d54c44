set local role loomline_owner;
-- Reverses 018.do.marketplace-search-path.sql: searches walk the approved listings again.
drop function app.approved_listing_matches(tsquery);
