import {
  EXCHANGE_FIAT_TOPIC,
  FIAT_MOVEMENT_RECORDED_TYPE,
  type FiatMovementRecordedV1,
} from '@custody/contracts';
import type { ConsumedMessage } from '@custody/messaging';
import type { PoolClient } from 'pg';

/** Client fiat as exchange.fiat.v1 reports it, each movement once, in the order received. */
export const fiatMovementsDdl = (schema: string): string => `
      create table if not exists ${schema}.recon_fiat_movements (
        movement_id text primary key,
        kind text not null,
        client_id text,
        currency text not null,
        amount_minor numeric(78, 0) not null,
        through_collector boolean not null,
        receipt_ids text[] not null,
        occurred_at timestamptz not null,
        received bigserial not null unique
      );`;

/** The fiat topic's part of the consumer's batch into `recon_fiat_movements`: each movement once, by its id. */
export class FiatMovementsProjection {
  constructor(private readonly schema: string) {}

  async applyFiatMessages(messages: readonly ConsumedMessage[], client: PoolClient): Promise<void> {
    for (const message of messages) {
      if (
        message.topic !== EXCHANGE_FIAT_TOPIC ||
        message.value.type !== FIAT_MOVEMENT_RECORDED_TYPE
      )
        continue;
      const { data } = message.value as unknown as FiatMovementRecordedV1;
      await client.query(
        `insert into ${this.schema}.recon_fiat_movements (movement_id, kind, client_id, currency, amount_minor, through_collector, receipt_ids, occurred_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (movement_id) do nothing`,
        [
          data.movementId,
          data.kind,
          data.kind === 'collector-settled' ? null : data.clientId,
          data.currency,
          data.amountMinor,
          data.kind === 'received' && data.channel === 'third-party-collector',
          data.kind === 'collector-settled' ? data.receiptIds : [],
          data.occurredAt,
        ],
      );
    }
  }
}
