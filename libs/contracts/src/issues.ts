// Validation results: every failure is a value `{ code, path, reason }` with a stable code.
// Codes are part of the wire contract (dead letters carry them): never rename or reuse one.
import type { z } from 'zod/v4';

export const VALIDATION_CODES = [
  'REQUIRED',
  'INVALID_TYPE',
  'UNKNOWN_FIELD',
  'INVALID_VALUE',
  'INVALID_FORMAT',
  'TOO_LONG',
  'TOO_SHORT',
  'OUT_OF_RANGE',
  'TOPIC_UNKNOWN',
  'ASSET_UNKNOWN',
  'ASSET_PAIR_SAME',
  'AMOUNT_NOT_DECIMAL',
  'AMOUNT_NOT_INTEGER',
  'AMOUNT_EXPONENT',
  'AMOUNT_NEGATIVE',
  'AMOUNT_LEADING_ZERO',
  'AMOUNT_TOO_MANY_DIGITS',
  'AMOUNT_ZERO',
  'DECIMAL_INVALID',
  'UUID_INVALID',
  'TIMESTAMP_INVALID',
  'TRACEPARENT_INVALID',
  'STREAM_VERSION_INVALID',
  'BASE64_INVALID',
] as const;

export type ValidationCode = (typeof VALIDATION_CODES)[number];

export interface ValidationIssue {
  readonly code: ValidationCode;
  /** Dotted path from the message root, e.g. `data.buyerFee.amountMinor`; '' for the root. */
  readonly path: string;
  readonly reason: string;
}

export type ValidationResult<T> =
  | { readonly ok: true; readonly message: T }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

// Schemas attach their stable code to zod's message as `[CODE] reason`; `toValidationIssues`
// splits it back. One mechanism for built-in checks (regex, enum) and refinements alike.
const CODED_MESSAGE_PATTERN = /^\[([A-Z_]+)\] ([\s\S]*)$/;

export function codedMessage(code: ValidationCode, reason: string): string {
  return `[${code}] ${reason}`;
}

function isValidationCode(text: string): text is ValidationCode {
  return (VALIDATION_CODES as readonly string[]).includes(text);
}

function defaultCode(issue: z.core.$ZodIssue, input: unknown): ValidationCode {
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? 'REQUIRED' : 'INVALID_TYPE';
    case 'unrecognized_keys':
      return 'UNKNOWN_FIELD';
    case 'invalid_value':
    case 'invalid_union':
      return 'INVALID_VALUE';
    case 'invalid_format':
    case 'invalid_key':
    case 'invalid_element':
      return 'INVALID_FORMAT';
    case 'too_big':
      return issue.origin === 'string' ? 'TOO_LONG' : 'OUT_OF_RANGE';
    case 'too_small':
      return issue.origin === 'string' ? 'TOO_SHORT' : 'OUT_OF_RANGE';
    default:
      return 'INVALID_VALUE';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join('.');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** Validates without throwing: the parsed message, or every issue with its code and path. */
export function validateWith(schema: z.ZodType, value: unknown): ValidationResult<unknown> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, message: result.data };
  return {
    ok: false,
    issues: result.error.issues.flatMap((issue) => toValidationIssues(issue, value)),
  };
}

/** One zod issue becomes one issue, except unknown keys: one issue per key, at the key. */
export function toValidationIssues(issue: z.core.$ZodIssue, root: unknown): ValidationIssue[] {
  const coded = CODED_MESSAGE_PATTERN.exec(issue.message);
  if (coded && coded[1] !== undefined && coded[2] !== undefined && isValidationCode(coded[1])) {
    return [{ code: coded[1], path: formatPath(issue.path), reason: coded[2] }];
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      code: 'UNKNOWN_FIELD',
      path: formatPath([...issue.path, key]),
      reason: 'field is not part of this message version',
    }));
  }
  const code = defaultCode(issue, valueAt(root, issue.path));
  const reason = code === 'REQUIRED' ? 'field is required' : issue.message;
  return [{ code, path: formatPath(issue.path), reason }];
}
