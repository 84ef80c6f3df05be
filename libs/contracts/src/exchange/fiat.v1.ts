// exchange.fiat.v1 / FiatMovementRecorded v1: client fiat held in trust (TW-10, TW-11), as the
// exchange's cashier records it. PUBLISHED: frozen. A change is a new file (v2) plus an upcaster.
import { z } from 'zod/v4';
import { envelopeSchema } from '../envelope';
import { AMOUNT_DIGITS_MAX } from '../assets';
import { codedMessage } from '../issues';
import { coded, identifierSchema, timestampSchema } from '../primitives';
import { QUOTE_CURRENCY_PATTERN } from './prices.v1';

export const FIAT_MOVEMENT_RECORDED_TYPE = 'FiatMovementRecorded';
export const FIAT_MOVEMENT_RECORDED_SCHEMA_VERSION = 1;
/**
 * `received`: a client's fiat arrived, in the trust account or with a third-party collector (a
 * payment agent, a convenience-store network: TW-11 counts it from collection, before it reaches
 * the trust account); `paid-out`: paid to the client from the trust account; `collector-settled`:
 * a collector passed what it collected on to the trust account.
 */
export const FIAT_MOVEMENT_KINDS = ['received', 'paid-out', 'collector-settled'] as const;
export const FIAT_RECEIPT_CHANNELS = ['trust-account', 'third-party-collector'] as const;
/** Receipts one collector settlement names at most. */
export const SETTLEMENT_RECEIPTS_MAX = 10_000;

const currencySchema = z
  .string()
  .regex(QUOTE_CURRENCY_PATTERN, coded('INVALID_FORMAT', 'must be an ISO 4217 currency code'));
/** In the currency's minor unit (cents), as decimal text; positive. */
const fiatAmountSchema = z
  .string(coded('INVALID_TYPE', 'amount must be a string of digits'))
  .regex(
    /^[1-9][0-9]*$/,
    coded('AMOUNT_NOT_DECIMAL', "amount must be a positive integer in the currency's minor unit"),
  )
  .max(
    AMOUNT_DIGITS_MAX,
    coded('AMOUNT_TOO_MANY_DIGITS', `amount has more than ${AMOUNT_DIGITS_MAX} digits`),
  );

export const fiatMovementRecordedDataV1Schema = z
  .discriminatedUnion(
    'kind',
    [
      z.strictObject({
        kind: z.literal('received'),
        movementId: identifierSchema,
        clientId: identifierSchema,
        currency: currencySchema,
        amountMinor: fiatAmountSchema,
        channel: z.enum(
          FIAT_RECEIPT_CHANNELS,
          coded('INVALID_VALUE', `must be one of ${FIAT_RECEIPT_CHANNELS.join(', ')}`),
        ),
        /** The collector, for a receipt through one; null into the trust account. */
        collectorId: identifierSchema.nullable(),
        /** When the trust account was credited, or the collector collected. */
        occurredAt: timestampSchema,
      }),
      z.strictObject({
        kind: z.literal('paid-out'),
        movementId: identifierSchema,
        clientId: identifierSchema,
        currency: currencySchema,
        amountMinor: fiatAmountSchema,
        occurredAt: timestampSchema,
      }),
      z.strictObject({
        kind: z.literal('collector-settled'),
        movementId: identifierSchema,
        collectorId: identifierSchema,
        currency: currencySchema,
        amountMinor: fiatAmountSchema,
        /** The receipts this settlement brings into the trust account. */
        receiptIds: z.array(identifierSchema).min(1).max(SETTLEMENT_RECEIPTS_MAX),
        occurredAt: timestampSchema,
      }),
    ],
    {
      error: () =>
        codedMessage('INVALID_VALUE', `kind must be one of ${FIAT_MOVEMENT_KINDS.join(', ')}`),
    },
  )
  .superRefine((movement, context) => {
    if (movement.kind !== 'received') return;
    const throughCollector = movement.channel === 'third-party-collector';
    if (throughCollector !== (movement.collectorId !== null)) {
      context.addIssue({
        code: 'custom',
        path: ['collectorId'],
        message: codedMessage(
          'INVALID_VALUE',
          'a receipt names its collector exactly when it came through one',
        ),
      });
    }
  });

export const fiatMovementRecordedV1Schema = envelopeSchema(
  FIAT_MOVEMENT_RECORDED_TYPE,
  FIAT_MOVEMENT_RECORDED_SCHEMA_VERSION,
  fiatMovementRecordedDataV1Schema,
);

export type FiatMovementRecordedV1 = z.infer<typeof fiatMovementRecordedV1Schema>;
