set local role loomline_owner;
-- suppliers: contact fields bound to their row (security review, issue 8,
-- finding 7).
--
-- address, contact_email and contact_phone hold AES-256-GCM ciphertext
-- written by the API (src/services/field-encryption.ts). Format v1
-- (`enc:v1:…`) authenticated the column only, so a value copied into the
-- same column of another supplier decrypted as that supplier's. Format v2
-- (`enc:v2:<keyId>:<iv>:<ciphertext+tag>`, the same shape) authenticates
-- the column and the row id. New values are v2; v1 values are still read
-- until `npm run keys:rotate` rewrites them as v2.
--
-- The CHECK helper of 002 accepts both. Replacing it keeps the function (and
-- so the three CHECK constraints that call it, and its grants); every value
-- it accepted before it still accepts, so nothing needs revalidating.

create or replace function app_private.is_ciphertext(value text) returns boolean
  language sql immutable parallel safe
  return value ~ '^enc:v[12]:[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$';
