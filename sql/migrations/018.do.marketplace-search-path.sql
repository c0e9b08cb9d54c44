set local role loomline_owner;
-- Full-text search of approved listings through the GIN index, under RLS
-- (issue 10, performance).
--
-- Under row level security the planner applies a query's own conditions
-- only after the policies' unless their operators are leakproof, and may use
-- them as index conditions only then. tsvector @@ tsquery (ts_match_vq) is
-- not leakproof, so marketplace_products_search_vector_idx never serves a
-- request's search: a buyer's search for "merino" walked every approved
-- listing through the approval index, detoasting and matching 69,500
-- search vectors to keep 7,400 (about 200 ms for the page and 160 ms for
-- its totalCount at the large seed; 60-100 ms each with this function).
--
-- This set helper reads past RLS, like the policies' own
-- (app.orders_as_supplier() and the rest in 008), and returns only what
-- every caller may see anyway: the ids of approved listings (the
-- select_approved policy lets anonymous callers read those rows). The query
-- keeps all its conditions, and the policies still guard every row it reads:
-- `mp.id in (select app.approved_listing_matches(q))` only gives the planner
-- an access path (a leakproof uuid equality on the primary key).
create function app.approved_listing_matches(search tsquery) returns setof uuid
  language sql stable security definer rows 5000
  set search_path = pg_catalog, public, app, pg_temp
begin atomic
  select mp.id from public.marketplace_products mp
   where mp.status = 'approved' and mp.search_vector @@ search;
end;

revoke execute on function app.approved_listing_matches(tsquery) from public;
grant execute on function app.approved_listing_matches(tsquery) to anonymous, authenticated;
