import { loaderByIds } from "../../graphql/loaders";
import { isSignedIn } from "../../graphql/auth-scopes";
import type { Context } from "../../context";
import {
  ENCRYPTED_COLUMNS,
  type EncryptedColumn,
  FieldEncryptionError,
  formatOf,
  keyIdOf,
} from "../../services/field-encryption";

/**
 * A supplier's contact fields (address, contact_email, contact_phone):
 * AES-256-GCM ciphertext at rest, readable only by the supplier itself,
 * admins, and buyers with an accepted order with that supplier (DOMAIN.md).
 *
 * The request roles cannot select those columns; the narrowed
 * security-definer function of migration 008 returns the ciphertext only to
 * those callers (null otherwise), and the application decrypts it here,
 * each value bound to its column and row (the supplier's id). One statement
 * per request for every supplier on a page.
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
  const open = (row: ContactRow, value: string | null, column: EncryptedColumn) =>
    decrypt(context, row.id, value, column);
  return rows.map((row): [string, SupplierContact] => [
    row.id,
    {
      address: open(row, row.address, ENCRYPTED_COLUMNS.supplierAddress),
      contactEmail: open(row, row.contact_email, ENCRYPTED_COLUMNS.supplierContactEmail),
      contactPhone: open(row, row.contact_phone, ENCRYPTED_COLUMNS.supplierContactPhone),
    },
  ]);
}, NONE);

/**
 * One field of one row. A value that does not decrypt (its key retired, or
 * tampered, or copied from another row or column) is that field's null, and
 * an error log line that names the table, column and row (never the value):
 * the other fields and rows of the page are unaffected.
 */
function decrypt(
  context: Pick<Context, "fieldCipher" | "logger">,
  rowId: string,
  value: string | null,
  column: EncryptedColumn,
): string | null {
  if (value === null) return null;
  try {
    return context.fieldCipher.decrypt(value, column, rowId);
  } catch (error) {
    if (!(error instanceof FieldEncryptionError)) throw error;
    const [table, field] = column.split(".") as [string, string];
    context.logger.error(
      { table, column: field, rowId, keyId: keyIdOf(value), format: formatOf(value), reason: error.message },
      "encrypted field could not be decrypted; returned as null",
    );
    return null;
  }
}
