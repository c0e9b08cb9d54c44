import { loaderByIds } from "../../graphql/loaders";
import { isSignedIn } from "../../graphql/auth-scopes";
import { ENCRYPTED_COLUMNS, type EncryptedColumn, type FieldCipher } from "../../services/field-encryption";

/**
 * A supplier's contact fields (address, contact_email, contact_phone):
 * AES-256-GCM ciphertext at rest, readable only by the supplier itself,
 * admins, and buyers with an accepted order with that supplier (DOMAIN.md).
 *
 * The request roles cannot select those columns; the narrowed
 * security-definer function of migration 008 returns the ciphertext only to
 * those callers (null otherwise), and the application decrypts it here with
 * the column's AAD. One statement per request for every supplier on a page.
 */
export interface SupplierContact {
  address: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
}

const NONE: SupplierContact = Object.freeze({ address: null, contactEmail: null, contactPhone: null });

interface ContactRow {
  id: string;
  address: string | null;
  contact_email: string | null;
  contact_phone: string | null;
}

export const supplierContactLoader = loaderByIds<SupplierContact>(async (ids, context) => {
  // Anonymous callers may read no contact (the function is not even granted to them).
  if (!isSignedIn(context.viewer)) return [];
  const rows = await context.db.tx.$queryRaw<ContactRow[]>`
    select c.supplier_id::text as id, c.address, c.contact_email, c.contact_phone
      from app.supplier_contacts(${[...ids]}::uuid[]) as c`;
  const cipher = context.fieldCipher;
  return rows.map((row): [string, SupplierContact] => [
    row.id,
    {
      address: decrypt(cipher, row.address, ENCRYPTED_COLUMNS.supplierAddress),
      contactEmail: decrypt(cipher, row.contact_email, ENCRYPTED_COLUMNS.supplierContactEmail),
      contactPhone: decrypt(cipher, row.contact_phone, ENCRYPTED_COLUMNS.supplierContactPhone),
    },
  ]);
}, NONE);

function decrypt(cipher: FieldCipher, value: string | null, column: EncryptedColumn): string | null {
  // A value that fails to decrypt (unknown key, tampering) is an unexpected
  // error: logged and masked, never shown as ciphertext.
  return value === null ? null : cipher.decrypt(value, column);
}
