import { InvalidInputError } from "./user-errors";

/**
 * Checks of mutation inputs that GraphQL's types cannot say, as typed
 * errors naming the field (`input.notes`, `input.parts[1].productType`).
 */

/** Trimmed text, or null when empty; longer than `max` is refused. */
export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  const text = value?.trim() || null;
  if (text && text.length > max) {
    throw new InvalidInputError(`"${fieldName(field)}" may be at most ${max} characters.`, { field });
  }
  return text;
}

/** Trimmed text that must not be empty; longer than `max` is refused. */
export function requiredText(value: string, field: string, max: number): string {
  const text = optionalText(value, field, max);
  if (!text) throw new InvalidInputError(`"${fieldName(field)}" is required.`, { field });
  return text;
}

/** URLs as text: https only, at most `max` of them. */
export function httpsUrls(urls: readonly URL[] | null | undefined, field: string, max: number): string[] {
  const list = (urls ?? []).map(String);
  if (list.length > max)
    throw new InvalidInputError(`"${fieldName(field)}" may hold at most ${max} URLs.`, { field });
  if (list.some((url) => !url.startsWith("https://"))) {
    throw new InvalidInputError(`"${fieldName(field)}" accepts https URLs only.`, { field });
  }
  return list;
}

function fieldName(field: string): string {
  return field.replace(/^input\./, "");
}
