import type { JsonObject, JsonValue } from './types';

/**
 * Domain events hold amounts (and chain heights) as bigint; stored and published events hold
 * them as decimal text, never a JSON number. Which fields are bigint is a naming convention:
 * amounts end in `Minor` (`amountMinor`, `networkFeeMinor`); a service may name more.
 */
export const AMOUNT_FIELD_PATTERN = /Minor$/;
const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/;

function toJson(value: unknown, key: string, fields: RegExp): JsonValue {
  if (typeof value === 'bigint') {
    if (!fields.test(key)) throw new Error(`assertion: bigint in field '${key}', which is not an amount field`);
    return value.toString();
  }
  if (Array.isArray(value)) return value.map((item) => toJson(item, key, fields));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, toJson(item, name, fields)]));
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new Error(`assertion: non-integer number in '${key}'`);
  if (value === undefined) throw new Error(`assertion: undefined in '${key}'`);
  return value as JsonValue;
}

function fromJson(value: JsonValue, key: string, fields: RegExp): unknown {
  if (typeof value === 'string' && fields.test(key)) {
    if (!INTEGER_TEXT.test(value)) throw new Error(`assertion: stored amount '${key}' is not an integer: ${value}`);
    return BigInt(value);
  }
  if (Array.isArray(value)) return value.map((item) => fromJson(item, key, fields));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, fromJson(item, name, fields)]));
  return value;
}

/** An event's data for the store: bigint fields (named by `fields`) as decimal text. */
export function encodeAmounts(data: object, fields: RegExp = AMOUNT_FIELD_PATTERN): JsonObject {
  return toJson(data, 'data', fields) as JsonObject;
}

/** Stored data back with its bigint fields (named by `fields`) as bigint. */
export function decodeAmounts(data: JsonObject, fields: RegExp = AMOUNT_FIELD_PATTERN): unknown {
  return fromJson(data, 'data', fields);
}
