import { Module } from '@nestjs/common';
import { DEFAULT_ASSET_REGISTRY } from '@custody/contracts';
import type { PostgresEventStore } from '@custody/event-store';
import { LedgerCommandHandler } from '@custody/ledger-application';
import { EVENT_STORE } from '@custody/service-host';
import { ClientsController } from './http/clients.controller';
import { LEDGER_COMMAND_HANDLER } from './ledger-tokens';
import { LedgerIngestion } from './messaging/ledger-ingestion';

const assetDecimals = (asset: string): number | undefined => (DEFAULT_ASSET_REGISTRY as Readonly<Record<string, { decimals: number }>>)[asset]?.decimals;

/**
 * The ledger service: client and house accounts per asset, double-entry journals, holds (HK-6/7/8/21, TW-12).
 * Writes go through the one write path (LedgerCommandHandler over the service's event store);
 * with KAFKA_BROKERS set it consumes the exchange's trades and the wallet's movements.
 */
@Module({
  controllers: [ClientsController],
  providers: [
    { provide: LEDGER_COMMAND_HANDLER, inject: [EVENT_STORE], useFactory: (store: PostgresEventStore) => new LedgerCommandHandler(store, assetDecimals) },
    LedgerIngestion,
  ],
})
export class LedgerModule {}
