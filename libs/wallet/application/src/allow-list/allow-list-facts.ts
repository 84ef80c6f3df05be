import type { Transaction } from '@custody/event-store';
import {
  allowListedAddress,
  type AdditionFacts,
  type AllowListedAddress,
  type AllowListState,
  type WithdrawalState,
} from '@custody/wallet-domain';
import type { WalletContext } from '../shared/wallet-context';
import { ALLOW_LIST_AGGREGATE, allowListStreamId } from '../shared/wallet-streams';

/** HK-11h: an address a staff member declared as their own (the staff-address register). */
export interface StaffAddress {
  readonly staffId: string;
  readonly chain: string;
  readonly address: string;
}

/** Allow-lists as facts: a client's list, who lists an address, what an addition must know. */
export class AllowListFacts {
  constructor(
    private readonly context: WalletContext,
    private readonly staffAddresses: readonly StaffAddress[] = [],
  ) {}

  async allowList(clientId: string, transaction?: Transaction): Promise<AllowListState> {
    const streamId = allowListStreamId(clientId);
    return (await this.context.streams.load(streamId, ALLOW_LIST_AGGREGATE, transaction)).state;
  }

  /** Clients whose proven allow-list holds this address. */
  async clientsListing(
    chain: string,
    address: string,
    transaction?: Transaction,
  ): Promise<string[]> {
    const db = transaction?.client ?? this.context.store.pool;
    const { rows } = await db.query<{ client_id: string }>(
      `select distinct client_id from ${this.context.schema}.allow_list_index where chain = $1 and address = $2 and status = 'proven' order by client_id`,
      [chain, address.toLowerCase()],
    );
    return rows.map((row) => row.client_id);
  }

  /** What an addition of this address must know from elsewhere: other clients listing (or waiting to list) it, a wallet of ours at it. */
  async additionFacts(
    chain: string,
    address: string,
    clientId: string,
    transaction?: Transaction,
  ): Promise<AdditionFacts> {
    const { schema } = this.context;
    const db = transaction?.client ?? this.context.store.pool;
    const { rows: others } = await db.query<{ client_id: string }>(
      `select distinct client_id from ${schema}.allow_list_index where chain = $1 and address = $2 and status in ('proven', 'held') and client_id <> $3 order by client_id`,
      [chain, address.toLowerCase(), clientId],
    );
    const { rows: ours } = await db.query<{ wallet_id: string }>(
      `select wallet_id from ${schema}.wallet_addresses where chain = $1 and address = $2`,
      [chain, address.toLowerCase()],
    );
    const staff = this.staffAddresses.find(
      (entry) => entry.chain === chain && entry.address.toLowerCase() === address.toLowerCase(),
    );
    return {
      otherClients: others.map((row) => row.client_id),
      ourWalletId: ours[0]?.wallet_id ?? null,
      staffMember: staff?.staffId ?? null,
    };
  }

  /** TW-17.4 / HK-11h: how, through whom, by whom and when a withdrawal's destination was proven (what the custodians review). */
  async destinationProvenance(movement: WithdrawalState): Promise<AllowListedAddress | null> {
    const { clientId, chain, destinationAddress } = movement.request;
    if (clientId === null) return null;
    return allowListedAddress(await this.allowList(clientId), chain, destinationAddress) ?? null;
  }
}
