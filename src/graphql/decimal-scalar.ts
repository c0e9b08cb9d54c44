import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import { Prisma } from "../generated/prisma/client";

/** Plain decimal notation: what numeric(p, s) columns hold. No exponents, no NaN. */
const DECIMAL_TEXT = /^-?\d{1,18}(\.\d{1,12})?$/;

/**
 * Exact numbers (money, percentages, ratings) as strings on the wire, so no
 * client ever rounds a price through a binary float. Inside the server they
 * are Prisma.Decimal. Integers are accepted as input (they are exact);
 * fractional JSON numbers and Float literals are refused.
 */
export const DecimalScalar = new GraphQLScalarType<Prisma.Decimal, string>({
  name: "Decimal",
  description: 'An exact decimal number as a string, e.g. "1250.00". Money is never a float.',
  specifiedByURL: "https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-NUMERIC-DECIMAL",
  serialize(value) {
    if (Prisma.Decimal.isDecimal(value)) return withCents(value as Prisma.Decimal);
    if (typeof value === "string" && DECIMAL_TEXT.test(value)) return withCents(new Prisma.Decimal(value));
    if (typeof value === "number" && Number.isSafeInteger(value)) return withCents(new Prisma.Decimal(value));
    throw new GraphQLError(`Decimal cannot represent ${typeof value} value: ${String(value)}`);
  },
  parseValue(value) {
    return parseDecimal(value);
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT)
      return parseDecimal(ast.kind === Kind.INT ? Number(ast.value) : ast.value);
    throw new GraphQLError('Decimal values are strings, e.g. "19.99"; floats would lose precision.', {
      nodes: ast,
      extensions: { code: "BAD_USER_INPUT" },
    });
  },
});

/**
 * At least two decimals ("12.50", never "12.5"; "4.125" stays): every
 * Decimal of the schema is money or a percentage from a numeric(…, 2)
 * column, and Prisma.Decimal drops trailing zeros. The one place that
 * formats them: resolvers return Decimals as they come.
 */
function withCents(value: Prisma.Decimal): string {
  return value.toFixed(Math.max(2, value.decimalPlaces()));
}

function parseDecimal(value: unknown): Prisma.Decimal {
  if (typeof value === "string" && DECIMAL_TEXT.test(value.trim())) return new Prisma.Decimal(value.trim());
  if (typeof value === "number" && Number.isSafeInteger(value)) return new Prisma.Decimal(value);
  throw new GraphQLError('Decimal values are strings in plain notation, e.g. "19.99".', {
    extensions: { code: "BAD_USER_INPUT" },
  });
}
