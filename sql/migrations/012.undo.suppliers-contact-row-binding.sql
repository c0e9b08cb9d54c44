set local role loomline_owner;
-- Reverses 012.do.suppliers-contact-row-binding.sql: the CHECK helper
-- accepts v1 only, as 002 made it.
--
-- Refused while a supplier holds a v2 value: replacing the function does not
-- revalidate the CHECK constraints, so those rows would stay behind as rows
-- no update can pass, and the code of before 012 cannot read them. Nothing
-- writes v1 any more; roll 012 back only on a database without v2 values.

do $$
begin
  if exists (
    select 1 from public.suppliers
     where starts_with(address, 'enc:v2:')
        or starts_with(contact_email, 'enc:v2:')
        or starts_with(contact_phone, 'enc:v2:')
  ) then
    raise exception 'suppliers hold contact fields in format v2 (enc:v2:), which 012 introduced'
      using errcode = '55000',
            hint = 'Rolling 012 back would leave rows that violate their CHECK; keep 012.';
  end if;
end;
$$;

create or replace function app_private.is_ciphertext(value text) returns boolean
  language sql immutable parallel safe
  return value ~ '^enc:v1:[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$';
