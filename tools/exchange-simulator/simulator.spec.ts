import { EXCHANGE_PRICES_TOPIC, EXCHANGE_TRADES_TOPIC, EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC, validateMessage } from '@custody/contracts';
import { DEFAULT_SIMULATOR_OPTIONS, ExchangeSimulator, feeMinor, quoteAmountMinor, type OutboundMessage } from './simulator';

const START = Date.UTC(2026, 10, 24, 9, 0, 0);
const TICK_MS = 1_000;

function run(options = DEFAULT_SIMULATOR_OPTIONS, ticks = 50, tradesPerTick = 4): OutboundMessage[] {
  const simulator = new ExchangeSimulator(options);
  return Array.from({ length: ticks }, (_, tick) => simulator.step(new Date(START + tick * TICK_MS), tradesPerTick).messages).flat();
}

type Trade = { data: { buyerClientId: string; sellerClientId: string; quantityMinor: string; price: string; quoteAmountMinor: string; instrument: { base: string; quote: string }; buyerFee: { asset: string; amountMinor: string }; sellerFee: { asset: string; amountMinor: string } } };
const DECIMALS: Record<string, number> = { BTC: 8, ETH: 18, USDT: 6 };

describe('the exchange simulator (issue 9)', () => {
  it('given a seed, when run twice, then it produces the same messages byte for byte; another seed, other messages', () => {
    expect(run()).toEqual(run());
    expect(run({ ...DEFAULT_SIMULATOR_OPTIONS, seed: 2 })).not.toEqual(run());
  });

  it('given any run, then every message is one its topic\'s published contract accepts, on the exchange topics only', () => {
    const messages = run(DEFAULT_SIMULATOR_OPTIONS, 100, 5);
    for (const message of messages) expect({ topic: message.topic, ok: validateMessage(message.topic, JSON.parse(message.value)).ok }).toEqual({ topic: message.topic, ok: true });
    expect(new Set(messages.map((message) => message.topic))).toEqual(new Set([EXCHANGE_PRICES_TOPIC, EXCHANGE_TRADES_TOPIC, EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC]));
    expect(new Set(messages.map((message) => (JSON.parse(message.value) as { eventId: string }).eventId)).size).toBe(messages.length);
  });

  it('given trades, then the quote amount is quantity x price within one minor unit (what the ledger accepts), buyer and seller differ, and each fee is the rate of what that side receives, rounded down', () => {
    const trades = run(DEFAULT_SIMULATOR_OPTIONS, 100, 5).filter((message) => message.topic === EXCHANGE_TRADES_TOPIC).map((message) => JSON.parse(message.value) as Trade);
    expect(trades).toHaveLength(500);
    for (const { data } of trades) {
      const [whole, fraction = ''] = data.price.split('.');
      const mantissa = BigInt(`${whole}${fraction}`);
      const exactNumerator = BigInt(data.quantityMinor) * mantissa * 10n ** BigInt(DECIMALS[data.instrument.quote] ?? 0);
      const denominator = 10n ** BigInt(DECIMALS[data.instrument.base] ?? 0) * 10n ** BigInt(fraction.length);
      const difference = BigInt(data.quoteAmountMinor) * denominator - exactNumerator;
      expect(difference <= 0n && -difference < denominator).toBe(true);
      expect(data.buyerClientId).not.toBe(data.sellerClientId);
      expect(data.buyerFee).toEqual({ asset: data.instrument.base, amountMinor: ((BigInt(data.quantityMinor) * 10n) / 10_000n).toString() });
      expect(data.sellerFee).toEqual({ asset: data.instrument.quote, amountMinor: ((BigInt(data.quoteAmountMinor) * 10n) / 10_000n).toString() });
    }
    expect(feeMinor(9_999n, 10)).toBe(9n);
    expect(quoteAmountMinor(150_000_000n, 6_425_012n, 'BTC', 'USDT')).toBe(96_375_180_000n);
  });

  it('given withdrawals every 20 trades, then one in four goes to an address the client never allow-listed and one in five is 50 ETH (above the large-transfer threshold)', () => {
    const simulator = new ExchangeSimulator(DEFAULT_SIMULATOR_OPTIONS);
    const messages = Array.from({ length: 100 }, (_, tick) => simulator.step(new Date(START + tick * TICK_MS), 4).messages).flat();
    const withdrawals = messages.filter((message) => message.topic === EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC).map((message) => (JSON.parse(message.value) as { data: { clientId: string; destinationAddress: string; amountMinor: string } }).data);
    expect(withdrawals).toHaveLength(20); // 400 trades / 20
    const unlisted = withdrawals.filter((request) => request.destinationAddress !== simulator.allowListedAddress(request.clientId));
    expect(unlisted).toHaveLength(5);
    expect(withdrawals.filter((request) => request.amountMinor === (50n * 10n ** 18n).toString())).toHaveLength(4);
  });

  it('given many ticks, then prices stay positive and move at most 0.25% per tick', () => {
    const prices = run(DEFAULT_SIMULATOR_OPTIONS, 2_000, 0).map((message) => JSON.parse(message.value) as { data: { asset: string; price: string } });
    for (const asset of ['BTC', 'ETH']) {
      const series = prices.filter((price) => price.data.asset === asset).map((price) => Number(price.data.price));
      expect(series).toHaveLength(2_000);
      series.forEach((price, index) => {
        expect(price).toBeGreaterThan(0);
        if (index > 0) expect(Math.abs(price / (series[index - 1] as number) - 1)).toBeLessThanOrEqual(0.0025 + 1e-9);
      });
    }
  });

  it('refuses options outside their limits', () => {
    expect(() => new ExchangeSimulator({ ...DEFAULT_SIMULATOR_OPTIONS, clients: 1 })).toThrow(/clients/);
    expect(() => new ExchangeSimulator({ ...DEFAULT_SIMULATOR_OPTIONS, feeBps: 1_001 })).toThrow(/feeBps/);
    expect(() => new ExchangeSimulator({ ...DEFAULT_SIMULATOR_OPTIONS, withdrawalEvery: -1 })).toThrow(/withdrawalEvery/);
  });
});
