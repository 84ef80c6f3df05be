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
    if (!fields.test(key))
      throw new Error(`assertion: bigint in field '${key}', which is not an amount field`);
    return value.toString();
  }
  if (Array.isArray(value)) return value.map((item) => toJson(item, key, fields));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, toJson(item, name, fields)]),
    );
  if (typeof value === 'number' && !Number.isSafeInteger(value))
    throw new Error(`assertion: non-integer number in '${key}'`);
  if (value === undefined) throw new Error(`assertion: undefined in '${key}'`);
  return value as JsonValue;
}

/** Whether `key` names an amount field: the default convention tested without a regular expression. */
function amountFieldTest(fields: RegExp): (key: string) => boolean {
  return fields === AMOUNT_FIELD_PATTERN
    ? (key) => key.endsWith('Minor')
    : (key) => fields.test(key);
}

/**
 * Parsed JSON with its amount fields as bigint: into a copy (`inPlace` false: the recorded
 * event's own data stays untouched) or where they are (the caller's own freshly parsed data).
 * Loops instead of entries/fromEntries: this runs for every event every reader decodes (a replay
 * decodes millions).
 */
function fromJson(
  value: unknown,
  key: string,
  isAmount: (key: string) => boolean,
  inPlace: boolean,
): unknown {
  if (typeof value === 'string') {
    if (!isAmount(key)) return value;
    if (!INTEGER_TEXT.test(value))
      throw new Error(`assertion: stored amount '${key}' is not an integer: ${value}`);
    return BigInt(value);
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = inPlace ? value : new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index += 1)
      items[index] = fromJson(value[index], key, isAmount, inPlace);
    return items;
  }
  const record = value as Record<string, unknown>;
  const target: Record<string, unknown> = inPlace ? record : {};
  for (const name of Object.keys(record)) {
    const item = fromJson(record[name], name, isAmount, inPlace);
    // a key named __proto__ stays an own property, as JSON.parse made it (an assignment would set the prototype)
    if (name === '__proto__')
      Object.defineProperty(target, name, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else target[name] = item;
  }
  return target;
}

/** An event's data for the store: bigint fields (named by `fields`) as decimal text. */
export function encodeAmounts(data: object, fields: RegExp = AMOUNT_FIELD_PATTERN): JsonObject {
  return toJson(data, 'data', fields) as JsonObject;
}

/** Stored data back with its bigint fields (named by `fields`) as bigint. */
export function decodeAmounts(data: JsonObject, fields: RegExp = AMOUNT_FIELD_PATTERN): unknown {
  return fromJson(data, 'data', amountFieldTest(fields), false);
}

/**
 * decodeAmounts without the copy, for data that belongs to the caller alone (freshly parsed by a
 * scan): the same rules, the amount fields replaced where they are.
 */
export function decodeAmountsInPlace(
  data: JsonObject,
  fields: RegExp = AMOUNT_FIELD_PATTERN,
): unknown {
  return fromJson(data, 'data', amountFieldTest(fields), true);
}
