import { builder } from "../builder";

type EnumValuesOf<Values extends Record<string, string>> = {
  [Key in Values[keyof Values] as Uppercase<Key>]: { value: Key };
};

/**
 * A GraphQL enum from a Prisma enum (src/generated/prisma/enums.ts): each
 * database value `in_production` becomes `IN_PRODUCTION` on the wire and
 * stays the database value inside, so a value added to the Prisma schema
 * appears in GraphQL with nothing else to edit.
 */
export function prismaEnum<const Values extends Record<string, string>>(
  name: string,
  values: Values,
  options: { description?: string } = {},
) {
  const config = Object.fromEntries(
    Object.values(values).map((value) => [value.toUpperCase(), { value }]),
  ) as EnumValuesOf<Values>;
  return builder.enumType(name, { ...options, values: config });
}
