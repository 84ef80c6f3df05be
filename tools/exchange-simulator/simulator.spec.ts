import {
  EXCHANGE_PRICES_TOPIC,
  EXCHANGE_TRADES_TOPIC,
  EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
  validateMessage,
} from '@custody/contracts';
import {
  DEFAULT_SIMULATOR_OPTIONS,
  ExchangeSimulator,
  feeMinor,
  quoteAmountMinor,
  type OutboundMessage,
} from './simulator';

const START = Date.UTC(2026, 10, 24, 9, 0, 0);
const TICK_MS = 1_000;

function run(
  options = DEFAULT_SIMULATOR_OPTIONS,
  ticks = 50,
  tradesPerTick = 4,
): OutboundMessage[] {
  const simulator = new ExchangeSimulator(options);
  return Array.from(
    { length: ticks },
    (_, tick) => simulator.step(new Date(START + tick * TICK_MS), tradesPerTick).messages,
  ).flat();
}

type Trade = {
  data: {
    buyerClientId: string;
    sellerClientId: string;
    quantityMinor: string;
    price: string;
    quoteAmountMinor: string;
    instrument: { base: string; quote: string };
    buyerFee: { asset: string; amountMinor: string };
    sellerFee: { asset: string; amountMinor: string };
  };
};
const DECIMALS: Record<string, number> = { BTC: 8, ETH: 18, USDT: 6 };

describe('the exchange simulator (issue 9)', () => {
  it('given a seed, when run twice, then it produces the same messages byte for byte; another seed, other messages', () => {
    expect(run()).toEqual(run());
    expect(run({ ...DEFAULT_SIMULATOR_OPTIONS, seed: 2 })).not.toEqual(run());
  });

  it("given any run, then every message is one its topic's published contract accepts, on the exchange topics only", () => {
    const messages = run(DEFAULT_SIMULATOR_OPTIONS, 100, 5);
    for (const message of messages)
      expect({
        topic: message.topic,
        ok: validateMessage(message.topic, JSON.parse(message.value)).ok,
      }).toEqual({ topic: message.topic, ok: true });
    expect(new Set(messages.map((message) => message.topic))).toEqual(
      new Set([EXCHANGE_PRICES_TOPIC, EXCHANGE_TRADES_TOPIC, EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC]),
    );
    expect(
      new Set(messages.map((message) => (JSON.parse(message.value) as { eventId: string }).eventId))
        .size,
    ).toBe(messages.length);
  });

  it('given trades, then the quote amount is quantity x price within one minor unit (what the ledger accepts), buyer and seller differ, and each fee is the rate of what that side receives, rounded down', () => {
    const trades = run(DEFAULT_SIMULATOR_OPTIONS, 100, 5)
      .filter((message) => message.topic === EXCHANGE_TRADES_TOPIC)
      .map((message) => JSON.parse(message.value) as Trade);
    expect(trades).toHaveLength(500);
    for (const { data } of trades) {
      const [whole, fraction = ''] = data.price.split('.');
      const mantissa = BigInt(`${whole}${fraction}`);
      const exactNumerator =
        BigInt(data.quantityMinor) * mantissa * 10n ** BigInt(DECIMALS[data.instrument.quote] ?? 0);
      const denominator =
        10n ** BigInt(DECIMALS[data.instrument.base] ?? 0) * 10n ** BigInt(fraction.length);
      const difference = BigInt(data.quoteAmountMinor) * denominator - exactNumerator;
      expect(difference <= 0n && -difference < denominator).toBe(true);
      expect(data.buyerClientId).not.toBe(data.sellerClientId);
      expect(data.buyerFee).toEqual({
        asset: data.instrument.base,
        amountMinor: ((BigInt(data.quantityMinor) * 10n) / 10_000n).toString(),
      });
      expect(data.sellerFee).toEqual({
        asset: data.instrument.quote,
        amountMinor: ((BigInt(data.quoteAmountMinor) * 10n) / 10_000n).toString(),
      });
    }
    expect(feeMinor(9_999n, 10)).toBe(9n);
    expect(quoteAmountMinor(150_000_000n, 6_425_012n, 'BTC', 'USDT')).toBe(96_375_180_000n);
  });

  it('given withdrawals every 20 trades, then one in four goes to an address the client never allow-listed and one in five is 50 ETH (above the large-transfer threshold)', () => {
    const simulator = new ExchangeSimulator(DEFAULT_SIMULATOR_OPTIONS);
    const messages = Array.from(
      { length: 100 },
      (_, tick) => simulator.step(new Date(START + tick * TICK_MS), 4).messages,
    ).flat();
    const withdrawals = messages
      .filter((message) => message.topic === EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC)
      .map(
        (message) =>
          (
            JSON.parse(message.value) as {
              data: { clientId: string; destinationAddress: string; amountMinor: string };
            }
          ).data,
      );
    expect(withdrawals).toHaveLength(20); // 400 trades / 20
    const unlisted = withdrawals.filter(
      (request) => request.destinationAddress !== simulator.allowListedAddress(request.clientId),
    );
    expect(unlisted).toHaveLength(5);
    expect(
      withdrawals.filter((request) => request.amountMinor === (50n * 10n ** 18n).toString()),
    ).toHaveLength(4);
  });

  it('given many ticks, then prices stay positive and move at most 0.25% per tick', () => {
    const prices = run(DEFAULT_SIMULATOR_OPTIONS, 2_000, 0).map(
      (message) => JSON.parse(message.value) as { data: { asset: string; price: string } },
    );
    for (const asset of ['BTC', 'ETH']) {
      const series = prices
        .filter((price) => price.data.asset === asset)
        .map((price) => Number(price.data.price));
      expect(series).toHaveLength(2_000);
      series.forEach((price, index) => {
        expect(price).toBeGreaterThan(0);
        if (index > 0)
          expect(Math.abs(price / (series[index - 1] as number) - 1)).toBeLessThanOrEqual(
            0.0025 + 1e-9,
          );
      });
    }
  });

  it('refuses options outside their limits', () => {
    expect(() => new ExchangeSimulator({ ...DEFAULT_SIMULATOR_OPTIONS, clients: 1 })).toThrow(
      /clients/,
    );
    expect(() => new ExchangeSimulator({ ...DEFAULT_SIMULATOR_OPTIONS, feeBps: 1_001 })).toThrow(
      /feeBps/,
    );
    expect(
      () => new ExchangeSimulator({ ...DEFAULT_SIMULATOR_OPTIONS, withdrawalEvery: -1 }),
    ).toThrow(/withdrawalEvery/);
  });

  describe('funded clients (the runner, whose clients deposit on chain first)', () => {
    // withdrawals on, as the runner has them: what they may take is not traded away
    const funded = {
      ...DEFAULT_SIMULATOR_OPTIONS,
      clients: 4,
      withdrawalEvery: 7,
      unlistedEvery: 0,
      bases: ['ETH'] as const,
      fundedOnly: true,
    };
    /** Each client's balance after every trade, computed from the messages alone from an opening per asset; the lowest seen. */
    function lowestBalance(
      messages: OutboundMessage[],
      opening: Readonly<Record<string, bigint>>,
    ): { lowest: bigint; trades: number } {
      const balances = new Map<string, bigint>();
      let lowest = 0n;
      let trades = 0;
      const add = (client: string, asset: string, delta: bigint) => {
        const next = (balances.get(`${client}/${asset}`) ?? opening[asset] ?? 0n) + delta;
        balances.set(`${client}/${asset}`, next);
        if (next < lowest) lowest = next;
      };
      for (const message of messages) {
        if (message.topic === EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC) {
          // held when approved, if the client has it then (a request beyond its balance is refused and holds nothing)
          const { data } = JSON.parse(message.value) as {
            data: { clientId: string; amountMinor: string };
          };
          const key = `${data.clientId}/ETH`;
          if (BigInt(data.amountMinor) <= (balances.get(key) ?? opening['ETH'] ?? 0n))
            add(data.clientId, 'ETH', -BigInt(data.amountMinor));
          continue;
        }
        if (message.topic !== EXCHANGE_TRADES_TOPIC) continue;
        const { data } = JSON.parse(message.value) as Trade;
        trades += 1;
        add(data.buyerClientId, data.instrument.quote, -BigInt(data.quoteAmountMinor));
        add(
          data.buyerClientId,
          data.instrument.base,
          BigInt(data.quantityMinor) - BigInt(data.buyerFee.amountMinor),
        );
        add(data.sellerClientId, data.instrument.base, -BigInt(data.quantityMinor));
        add(
          data.sellerClientId,
          data.instrument.quote,
          BigInt(data.quoteAmountMinor) - BigInt(data.sellerFee.amountMinor),
        );
      }
      return { lowest, trades };
    }
    const ETH_2 = 2n * 10n ** 18n;
    const USDT_8000 = 8_000n * 10n ** 6n;

    it('given clients holding 2 ETH and 8,000 USDT, when it trades for long, then no balance ever goes below zero, and only the bases asked for are traded', () => {
      const simulator = new ExchangeSimulator(funded);
      for (const client of simulator.clientIds()) {
        simulator.setHolding(client, 'ETH', ETH_2);
        simulator.setHolding(client, 'USDT', USDT_8000);
      }
      const messages = Array.from(
        { length: 400 },
        (_, tick) => simulator.step(new Date(START + tick * TICK_MS), 5).messages,
      ).flat();
      const ethOnly = messages
        .filter((message) => message.topic === EXCHANGE_TRADES_TOPIC)
        .every((message) => (JSON.parse(message.value) as Trade).data.instrument.base === 'ETH');
      expect(ethOnly).toBe(true);
      const { lowest, trades } = lowestBalance(messages, { ETH: ETH_2, USDT: USDT_8000 });
      expect(lowest).toBe(0n);
      expect(trades).toBeGreaterThan(500);
    });

    it('given the same clients without fundedOnly, then balances do go negative (what the runner showed before its clients deposited)', () => {
      const messages = run({ ...funded, fundedOnly: false }, 400, 5);
      expect(lowestBalance(messages, { ETH: ETH_2, USDT: USDT_8000 }).lowest < 0n).toBe(true);
    });

    it('given unfunded clients, then no trade is made at all', () => {
      expect(lowestBalance(run(funded, 50, 5), {}).trades).toBe(0);
    });

    it("given real client addresses, then a withdrawal to an allow-listed address goes to the client's own", () => {
      const addresses = [
        '0x1111111111111111111111111111111111111111',
        '0x2222222222222222222222222222222222222222',
        '0x3333333333333333333333333333333333333333',
        '0x4444444444444444444444444444444444444444',
      ];
      const simulator = new ExchangeSimulator({
        ...DEFAULT_SIMULATOR_OPTIONS,
        clients: 4,
        withdrawalEvery: 1,
        unlistedEvery: 0,
        clientAddresses: addresses,
      });
      const withdrawals = simulator
        .step(new Date(START), 20)
        .messages.filter((message) => message.topic === EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC)
        .map(
          (message) =>
            (
              JSON.parse(message.value) as {
                data: { clientId: string; destinationAddress: string };
              }
            ).data,
        );
      expect(withdrawals).toHaveLength(20);
      for (const { clientId, destinationAddress } of withdrawals)
        expect(destinationAddress).toBe(addresses[simulator.clientIds().indexOf(clientId)]);
    });
  });

  it('given each tick, then a price for every base traded and USDT at its 1.00 USD peg (so holdings of the quote asset can be valued)', () => {
    const simulator = new ExchangeSimulator({ ...DEFAULT_SIMULATOR_OPTIONS, bases: ['ETH'] });
    const { messages, counts } = simulator.step(new Date(START), 0);
    const prices = messages
      .filter((message) => message.topic === EXCHANGE_PRICES_TOPIC)
      .map(
        (message) => (JSON.parse(message.value) as { data: { asset: string; price: string } }).data,
      );
    expect(prices.map((price) => price.asset)).toEqual(['ETH', 'USDT']);
    expect(prices.find((price) => price.asset === 'USDT')?.price).toBe('1.00');
    expect(counts.marketTicks).toBe(2);
  });
});
