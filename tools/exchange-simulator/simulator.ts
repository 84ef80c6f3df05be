import { createHash } from 'node:crypto';
import {
  DEFAULT_ASSET_REGISTRY,
  EXCHANGE_PRICES_TOPIC,
  EXCHANGE_TRADES_TOPIC,
  EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
  validateMessage,
} from '@custody/contracts';

/**
 * The exchange simulator's pure core (issue 9): an upstream exchange's flow of messages, seeded
 * and reproducible: trades between clients with fees at a configurable rate, price ticks, and
 * withdrawal requests (some to addresses no one allow-listed, some above the large-transfer
 * threshold). Time and ids come from the caller's clock and the seed, never from the machine.
 * Every message is checked against the published contracts before it is handed out.
 */

/** Assets the simulator trades (base/quote pairs over them) and their display decimals. */
type Traded = 'BTC' | 'ETH' | 'USDT';
const DECIMALS: Record<Traded, number> = {
  BTC: DEFAULT_ASSET_REGISTRY.BTC.decimals,
  ETH: DEFAULT_ASSET_REGISTRY.ETH.decimals,
  USDT: DEFAULT_ASSET_REGISTRY.USDT.decimals,
};
/** Instruments: base priced in USDT. */
const INSTRUMENTS: ReadonlyArray<{ base: Traded; quote: Traded }> = [
  { base: 'BTC', quote: 'USDT' },
  { base: 'ETH', quote: 'USDT' },
];
/** Prices carry this many decimals (cents of USDT). */
const PRICE_SCALE = 2;
/** Opening prices in cents. */
const OPENING_PRICE_CENTS: Record<'BTC' | 'ETH', bigint> = { BTC: 6_425_012n, ETH: 310_050n };
/** USDT's quote in cents of USD. */
const STABLECOIN_PEG_CENTS = 100n;
/** Largest price move per tick, in basis points either way. */
const PRICE_STEP_BPS_MAX = 25;
/** A trade's quantity: 1 to this many thousandths of a display unit. */
const TRADE_THOUSANDTHS_MAX = 500;
export const FEE_BPS_MAX = 1_000;
export const CLIENTS_MAX = 10_000;
const BPS = 10_000n;
/** With fundedOnly: pairs of clients tried for a trade before the trade is skipped. */
export const FUNDED_TRADE_ATTEMPTS_MAX = 8;

export type Scenario = 'normal';
export const SCENARIOS: readonly Scenario[] = ['normal'];
/** Scenarios that act on the chain, the wallets and the audit database: run by `npm start` (CUSTODY_SIMULATOR_SCENARIO), not over Kafka alone. */
export const RUNNER_ONLY_SCENARIOS = ['hot-wallet-drain', 'shortfall', 'tamper'] as const;

export interface SimulatorOptions {
  readonly seed: number;
  /** Clients `sim-0001` .. `sim-<n>`. */
  readonly clients: number;
  /** Exchange fee on each side of a trade, in basis points (10 = 0.10%). */
  readonly feeBps: number;
  /** One withdrawal request for every this many trades (0: none). */
  readonly withdrawalEvery: number;
  /** Withdrawals to an address the client never allow-listed, one in this many (0: none). */
  readonly unlistedEvery: number;
  /** Withdrawals above the large-transfer threshold, one in this many (0: none). */
  readonly largeEvery: number;
  /** The base assets traded against USDT (default both); a custody that holds no BTC trades ETH only. */
  readonly bases?: readonly ('BTC' | 'ETH')[];
  /** Each client's real allow-listed address, in client order (default: an address named by the client). */
  readonly clientAddresses?: readonly string[];
  /** Trade only what the clients hold (fund them with setHolding): no balance goes negative. */
  readonly fundedOnly?: boolean;
}

export const DEFAULT_SIMULATOR_OPTIONS: SimulatorOptions = {
  seed: 1,
  clients: 20,
  feeBps: 10,
  withdrawalEvery: 20,
  unlistedEvery: 4,
  largeEvery: 5,
};

export interface OutboundMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: string;
}

/** A step's messages grouped by topic, in their order within each topic (one publish or produce per topic). */
export function messagesByTopic(
  messages: readonly OutboundMessage[],
): Map<string, Array<{ key: string; value: string }>> {
  const byTopic = new Map<string, Array<{ key: string; value: string }>>();
  for (const message of messages) {
    const batch = byTopic.get(message.topic);
    if (batch === undefined)
      byTopic.set(message.topic, [{ key: message.key, value: message.value }]);
    else batch.push({ key: message.key, value: message.value });
  }
  return byTopic;
}

/** What one step produced, for the progress line and the summary. */
export interface StepCounts {
  readonly trades: number;
  /** PriceObserved messages (a count, not a price). */
  readonly marketTicks: number;
  readonly withdrawals: number;
}

/** mulberry32: a small seeded PRNG; the same seed gives the same run (also the ledger benchmark's). */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A UUID named by the seed and a counter (the envelope's eventId), deterministic. */
function eventIdOf(seed: number, sequence: number): string {
  const hex = createHash('sha256').update(`exchange-simulator/${seed}/${sequence}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function priceText(cents: bigint): string {
  const whole = cents / 10n ** BigInt(PRICE_SCALE);
  const fraction = (cents % 10n ** BigInt(PRICE_SCALE)).toString().padStart(PRICE_SCALE, '0');
  return `${whole}.${fraction}`;
}

/** Quote minor units of `quantityMinor` base at `priceCents`, rounded down (the ledger accepts one minor unit either way). */
export function quoteAmountMinor(
  quantityMinor: bigint,
  priceCents: bigint,
  base: Traded,
  quote: Traded,
): bigint {
  return (
    (quantityMinor * priceCents * 10n ** BigInt(DECIMALS[quote])) /
    (10n ** BigInt(DECIMALS[base]) * 10n ** BigInt(PRICE_SCALE))
  );
}

/** The fee on `amountMinor` at `feeBps`, rounded down: the exchange never charges a fraction of a minor unit. */
export function feeMinor(amountMinor: bigint, feeBps: number): bigint {
  return (amountMinor * BigInt(feeBps)) / BPS;
}

export function clientId(index: number): string {
  return `sim-${String(index + 1).padStart(4, '0')}`;
}

/** An EVM address named by the client (what it allow-listed) or, for an unlisted destination, by the request. */
function addressOf(label: string): string {
  return `0x${createHash('sha256').update(`exchange-simulator/address/${label}`).digest('hex').slice(0, 40)}`;
}

export class ExchangeSimulator {
  private readonly random: () => number;
  private readonly prices = new Map<'BTC' | 'ETH', bigint>(
    Object.entries(OPENING_PRICE_CENTS) as Array<['BTC' | 'ETH', bigint]>,
  );
  private sequence = 0;
  private trades = 0;
  private withdrawals = 0;
  /** fundedOnly: what each client holds, as far as the simulator knows (client -> asset -> minor units). */
  private readonly holdings = new Map<string, Map<string, bigint>>();
  private readonly instruments: ReadonlyArray<{ base: Traded; quote: Traded }>;

  constructor(private readonly options: SimulatorOptions = DEFAULT_SIMULATOR_OPTIONS) {
    if (!Number.isInteger(options.clients) || options.clients < 2 || options.clients > CLIENTS_MAX)
      throw new RangeError(`clients: 2 to ${CLIENTS_MAX}`);
    if (!Number.isInteger(options.feeBps) || options.feeBps < 0 || options.feeBps > FEE_BPS_MAX)
      throw new RangeError(`feeBps: 0 to ${FEE_BPS_MAX}`);
    for (const name of ['withdrawalEvery', 'unlistedEvery', 'largeEvery'] as const) {
      if (!Number.isInteger(options[name]) || options[name] < 0)
        throw new RangeError(`${name}: a whole number, 0 for never`);
    }
    this.random = randomSource(options.seed);
    this.instruments = INSTRUMENTS.filter((instrument) =>
      (options.bases ?? ['BTC', 'ETH']).includes(instrument.base as 'BTC' | 'ETH'),
    );
    if (this.instruments.length === 0) throw new RangeError('bases: at least one of BTC, ETH');
    if (options.clientAddresses !== undefined && options.clientAddresses.length < options.clients)
      throw new RangeError(`clientAddresses: one per client (${options.clients})`);
  }

  /** fundedOnly: what `client` holds of `asset` (e.g. its available balance in the ledger). */
  setHolding(client: string, asset: string, amountMinor: bigint): void {
    const held = this.holdings.get(client) ?? new Map<string, bigint>();
    held.set(asset, amountMinor);
    this.holdings.set(client, held);
  }

  private held(client: string, asset: string): bigint {
    return this.holdings.get(client)?.get(asset) ?? 0n;
  }

  private adjust(client: string, asset: string, deltaMinor: bigint): void {
    this.setHolding(client, asset, this.held(client, asset) + deltaMinor);
  }

  /** The clients the exchange has (the custodian onboards them before their trades can be booked). */
  clientIds(): string[] {
    return Array.from({ length: this.options.clients }, (_, index) => clientId(index));
  }

  /** The address each client allow-listed (the wallet's allow-list would hold these). */
  allowListedAddress(client: string): string {
    const index = this.clientIds().indexOf(client);
    return this.options.clientAddresses?.[index] ?? addressOf(client);
  }

  /** One tick at `at`: a price for each base asset, `trades` trades, and the withdrawal requests they bring due. */
  step(at: Date, trades: number): { messages: OutboundMessage[]; counts: StepCounts } {
    const messages: OutboundMessage[] = [];
    const occurredAt = at.toISOString();
    const bases = [
      ...new Set(this.instruments.map((instrument) => instrument.base as 'BTC' | 'ETH')),
    ];
    for (const base of bases) messages.push(this.priceTick(base, occurredAt));
    // the quote asset too: a custodian values what it holds of it (HK-11j), at the exchange's USDT/USD quote
    messages.push(this.stablecoinTick('USDT', occurredAt));
    let withdrawals = 0;
    let traded = 0;
    for (let index = 0; index < trades; index += 1) {
      const trade = this.trade(occurredAt);
      if (trade === undefined) continue;
      messages.push(trade);
      traded += 1;
      if (this.options.withdrawalEvery > 0 && this.trades % this.options.withdrawalEvery === 0) {
        messages.push(this.withdrawal(occurredAt));
        withdrawals += 1;
      }
    }
    return { messages, counts: { trades: traded, marketTicks: bases.length + 1, withdrawals } };
  }

  private envelope(type: string, streamId: string, occurredAt: string, data: object) {
    this.sequence += 1;
    const eventId = eventIdOf(this.options.seed, this.sequence);
    return {
      eventId,
      type,
      schemaVersion: 1,
      streamId,
      streamVersion: '1',
      occurredAt,
      causationId: null,
      correlationId: eventId,
      data,
    };
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  private priceTick(base: 'BTC' | 'ETH', observedAt: string): OutboundMessage {
    const current = this.prices.get(base) as bigint;
    const stepBps = BigInt(
      Math.floor(this.random() * (2 * PRICE_STEP_BPS_MAX + 1)) - PRICE_STEP_BPS_MAX,
    );
    const next = current + (current * stepBps) / BPS;
    this.prices.set(base, next > 0n ? next : current);
    const message = this.envelope('PriceObserved', `price-${base}-USD`, observedAt, {
      asset: base,
      quoteCurrency: 'USD',
      price: priceText(this.prices.get(base) as bigint),
      observedAt,
      source: 'exchange-simulator',
    });
    return this.checked(EXCHANGE_PRICES_TOPIC, message.streamId, message);
  }

  /** A stablecoin quoted at its peg (the simulated exchange's USDT/USD book does not move). */
  private stablecoinTick(asset: 'USDT', observedAt: string): OutboundMessage {
    const message = this.envelope('PriceObserved', `price-${asset}-USD`, observedAt, {
      asset,
      quoteCurrency: 'USD',
      price: priceText(STABLECOIN_PEG_CENTS),
      observedAt,
      source: 'exchange-simulator',
    });
    return this.checked(EXCHANGE_PRICES_TOPIC, message.streamId, message);
  }

  /** A trade, or undefined with fundedOnly when no pair tried can pay for one. */
  private trade(occurredAt: string): OutboundMessage | undefined {
    const attempts = this.options.fundedOnly === true ? FUNDED_TRADE_ATTEMPTS_MAX : 1;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      const { base, quote } = this.pick(this.instruments);
      const buyer = Math.floor(this.random() * this.options.clients);
      const seller =
        (buyer + 1 + Math.floor(this.random() * (this.options.clients - 1))) % this.options.clients;
      const thousandths = BigInt(1 + Math.floor(this.random() * TRADE_THOUSANDTHS_MAX));
      const quantityMinor = (thousandths * 10n ** BigInt(DECIMALS[base])) / 1_000n;
      const priceCents = this.prices.get(base as 'BTC' | 'ETH') as bigint;
      const quoteMinor = quoteAmountMinor(quantityMinor, priceCents, base, quote);
      if (this.options.fundedOnly === true) {
        if (
          this.held(clientId(buyer), quote) < quoteMinor ||
          this.held(clientId(seller), base) < quantityMinor
        )
          continue;
        const buyerFee = feeMinor(quantityMinor, this.options.feeBps);
        const sellerFee = feeMinor(quoteMinor, this.options.feeBps);
        this.adjust(clientId(buyer), quote, -quoteMinor);
        this.adjust(clientId(buyer), base, quantityMinor - buyerFee);
        this.adjust(clientId(seller), base, -quantityMinor);
        this.adjust(clientId(seller), quote, quoteMinor - sellerFee);
      }
      return this.tradeMessage(occurredAt, {
        base,
        quote,
        buyer,
        seller,
        quantityMinor,
        priceCents,
        quoteMinor,
      });
    }
    return undefined;
  }

  private tradeMessage(
    occurredAt: string,
    trade: {
      base: Traded;
      quote: Traded;
      buyer: number;
      seller: number;
      quantityMinor: bigint;
      priceCents: bigint;
      quoteMinor: bigint;
    },
  ): OutboundMessage {
    this.trades += 1;
    const { base, quote, buyer, seller, quantityMinor, priceCents, quoteMinor } = trade;
    const tradeId = `S${this.options.seed}-T${this.trades}`;
    const message = this.envelope('TradeExecuted', `trade-${tradeId}`, occurredAt, {
      tradeId,
      occurredAt,
      instrument: { base, quote },
      buyerClientId: clientId(buyer),
      sellerClientId: clientId(seller),
      quantityMinor: quantityMinor.toString(),
      price: priceText(priceCents),
      quoteAmountMinor: quoteMinor.toString(),
      // the buyer pays in what it receives, the seller in what it receives
      buyerFee: {
        asset: base,
        amountMinor: feeMinor(quantityMinor, this.options.feeBps).toString(),
      },
      sellerFee: {
        asset: quote,
        amountMinor: feeMinor(quoteMinor, this.options.feeBps).toString(),
      },
    });
    return this.checked(EXCHANGE_TRADES_TOPIC, message.streamId, message);
  }

  private withdrawal(requestedAt: string): OutboundMessage {
    this.withdrawals += 1;
    const client = clientId(Math.floor(this.random() * this.options.clients));
    const requestId = `S${this.options.seed}-W${this.withdrawals}`;
    const unlisted =
      this.options.unlistedEvery > 0 && this.withdrawals % this.options.unlistedEvery === 0;
    const large = this.options.largeEvery > 0 && this.withdrawals % this.options.largeEvery === 0;
    // ETH: 0.01 to 0.5, or 50 above the large-transfer threshold
    const amountMinor = large
      ? 50n * 10n ** 18n
      : BigInt(1 + Math.floor(this.random() * 50)) * 10n ** 16n;
    // fundedOnly: what a withdrawal may take is no longer the client's to trade (a request beyond
    // its holdings is sent all the same: the policy service refuses it, and nothing is held)
    if (this.options.fundedOnly === true && !unlisted && amountMinor <= this.held(client, 'ETH'))
      this.adjust(client, 'ETH', -amountMinor);
    const message = this.envelope('WithdrawalRequested', `withdrawal-${requestId}`, requestedAt, {
      requestId,
      clientId: client,
      asset: 'ETH',
      amountMinor: amountMinor.toString(),
      destinationAddress: unlisted
        ? addressOf(`unlisted/${requestId}`)
        : this.allowListedAddress(client),
      chain: 'ethereum',
      requestedAt,
    });
    return this.checked(EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC, message.streamId, message);
  }

  /** Refuses to hand out a message its topic's contract does not accept (a simulator bug, never sent). */
  private checked(topic: string, key: string, message: object): OutboundMessage {
    const result = validateMessage(topic, message);
    if (!result.ok)
      throw new Error(
        `assertion: the simulator made an invalid ${topic} message: ${JSON.stringify(result.issues)}`,
      );
    return { topic, key, value: JSON.stringify(message) };
  }
}
