// A service topic carries many event types, and a consumer knows only some of them. The event
// catalog of a topic lists the published types at each published schema version:
// - a catalogued type at a catalogued version is validated strictly by its own schema;
// - a catalogued type at any other version fails with INVALID_VALUE naming the known versions (the producer is
//   ahead of this consumer: deploy the new version, then re-drive the dead letter);
// - any other type passes at envelope level, so the producer may add event types that this
//   consumer ignores (forward compatible).
import { z } from 'zod/v4';
import { type AnyEnvelope, anyEnvelopeSchema, SCHEMA_VERSION_MAX } from './envelope';
import { type ValidationIssue, type ValidationResult, validateWith } from './issues';
import { coded } from './primitives';

/** Message type -> schema version -> the schema of that type at that version. */
export type EventCatalog = Readonly<Record<string, Readonly<Record<number, z.ZodType>>>>;

/** Every message a catalog types: one per type and version. */
export type CatalogMessage<Catalog extends EventCatalog> = {
  [Type in keyof Catalog]: {
    [Version in keyof Catalog[Type]]: Catalog[Type][Version] extends z.ZodType<infer Message>
      ? Message
      : never;
  }[keyof Catalog[Type]];
}[keyof Catalog];

/** A message on a catalogued topic: a catalogued one, typed, or any other type, envelope only. */
export type CatalogTopicMessage<Catalog extends EventCatalog> =
  CatalogMessage<Catalog> | AnyEnvelope;

function catalogSchemas(catalog: EventCatalog): z.ZodType[] {
  return Object.values(catalog).flatMap((versions) => Object.values(versions));
}

function hasOwn(record: object, key: PropertyKey): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** The envelope of a type the catalog does not list (JSON Schema: `not` one of the listed types). */
export function uncataloguedEnvelopeSchema(catalog: EventCatalog) {
  const types = Object.keys(catalog);
  const type = anyEnvelopeSchema.shape.type
    .refine(
      (text) => !types.includes(text),
      coded('INVALID_VALUE', 'this type has its own schema on this topic'),
    )
    .meta({ not: { enum: types } });
  return anyEnvelopeSchema.extend({ type });
}

/**
 * The whole topic as one schema (typing, JSON Schema, `schemaFor`): any catalogued message, or
 * an envelope of another type. It accepts exactly what `validateCatalogMessage` accepts; the
 * latter picks the one schema that applies, so its issues name the field at fault.
 */
export function catalogTopicSchema<Catalog extends EventCatalog>(
  catalog: Catalog,
): z.ZodType<CatalogTopicMessage<Catalog>> {
  const options = [...catalogSchemas(catalog), uncataloguedEnvelopeSchema(catalog)];
  // The options are the catalog's schemas themselves: the union's output is CatalogTopicMessage.
  return z.union(options) as unknown as z.ZodType<CatalogTopicMessage<Catalog>>;
}

function isEnvelopeVersion(value: unknown): value is number {
  return (
    Number.isInteger(value) && (value as number) >= 1 && (value as number) <= SCHEMA_VERSION_MAX
  );
}

export function validateCatalogMessage(
  catalog: EventCatalog,
  value: unknown,
): ValidationResult<unknown> {
  const fields: Record<string, unknown> =
    value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const { type, schemaVersion } = fields;
  if (typeof type !== 'string' || !hasOwn(catalog, type))
    return validateWith(anyEnvelopeSchema, value);
  const versions = catalog[type] ?? {};
  const schema =
    typeof schemaVersion === 'number' && hasOwn(versions, schemaVersion)
      ? versions[schemaVersion]
      : undefined;
  if (schema !== undefined) return validateWith(schema, value);
  // A catalogued type at a version this catalog does not know: the envelope's own issues (a
  // version that is not an integer in range among them), else INVALID_VALUE naming the known versions (no new code:
  // validation codes are dead-letter reason codes, and custody.deadletter.v1 is frozen).
  const envelope = validateWith(anyEnvelopeSchema, value);
  if (!isEnvelopeVersion(schemaVersion)) return envelope;
  const known = Object.keys(versions).join(', ');
  const unknownVersion: ValidationIssue = {
    code: 'INVALID_VALUE',
    path: 'schemaVersion',
    reason: `${type} schema version ${schemaVersion} is not known here (known: ${known})`,
  };
  return { ok: false, issues: [unknownVersion, ...(envelope.ok ? [] : envelope.issues)] };
}
