import { createContracts, validateMessage } from './contracts';
import type { ValidationResult } from './issues';
import {
  aDeadLetter,
  aDepositConfirmed,
  aFiatReceived,
  aPriceObserved,
  aTradeExecuted,
  aWithdrawalApproved,
  aWithdrawalConfirmed,
  aWithdrawalFailed,
  aWithdrawalHoldPlaced,
  aWithdrawalRequested,
  withData,
} from './test-messages';
import {
  DEAD_LETTER_TOPIC,
  EXCHANGE_FIAT_TOPIC,
  EXCHANGE_PRICES_TOPIC,
  EXCHANGE_TRADES_TOPIC,
  EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
  LEDGER_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
} from './topics';

function issuesOf(result: ValidationResult<unknown>): { code: string; path: string }[] {
  if (result.ok) throw new Error('expected the message to be refused');
  return result.issues.map(({ code, path }) => ({ code, path }));
}

function tradeWith(patch: Record<string, unknown>): unknown {
  return withData(aTradeExecuted(), patch);
}

describe('validateMessage', () => {
  describe('given a valid message of each topic', () => {
    it.each([
      [EXCHANGE_TRADES_TOPIC, aTradeExecuted()],
      [EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC, aWithdrawalRequested()],
      [EXCHANGE_PRICES_TOPIC, aPriceObserved()],
      [EXCHANGE_FIAT_TOPIC, aFiatReceived()],
      [
        EXCHANGE_FIAT_TOPIC,
        {
          ...aFiatReceived(),
          data: {
            kind: 'paid-out',
            movementId: 'P-1',
            clientId: 'alice',
            currency: 'TWD',
            amountMinor: '5000',
            occurredAt: '2026-01-31T10:00:00.000Z',
          },
        },
      ],
      [
        EXCHANGE_FIAT_TOPIC,
        {
          ...aFiatReceived(),
          data: {
            kind: 'collector-settled',
            movementId: 'S-1',
            collectorId: 'cvs-7',
            currency: 'TWD',
            amountMinor: '150000',
            receiptIds: ['R-1'],
            occurredAt: '2026-02-02T01:00:00.000Z',
          },
        },
      ],
      [DEAD_LETTER_TOPIC, aDeadLetter()],
      [WALLET_EVENTS_TOPIC, aDepositConfirmed()],
      [WALLET_EVENTS_TOPIC, aWithdrawalApproved()],
      [WALLET_EVENTS_TOPIC, aWithdrawalConfirmed()],
      [WALLET_EVENTS_TOPIC, aWithdrawalFailed()],
      [LEDGER_EVENTS_TOPIC, aWithdrawalHoldPlaced()],
    ])('when %s is validated, then it passes typed and unchanged', (topic, message) => {
      const result = validateMessage(topic, message);
      expect(result).toEqual({ ok: true, message });
    });

    it('TW-11 when a fiat receipt names a collector but came into the trust account, has a fractional amount or an unknown kind, then each is refused with its path', () => {
      const received = aFiatReceived();
      expect(
        issuesOf(
          validateMessage(EXCHANGE_FIAT_TOPIC, {
            ...received,
            data: { ...received.data, channel: 'trust-account' },
          }),
        ),
      ).toEqual([{ code: 'INVALID_VALUE', path: 'data.collectorId' }]);
      expect(
        issuesOf(
          validateMessage(EXCHANGE_FIAT_TOPIC, {
            ...received,
            data: { ...received.data, amountMinor: '1500.00' },
          }),
        ),
      ).toEqual([{ code: 'AMOUNT_NOT_DECIMAL', path: 'data.amountMinor' }]);
      expect(
        issuesOf(
          validateMessage(EXCHANGE_FIAT_TOPIC, {
            ...received,
            data: { ...received.data, kind: 'lent' },
          }),
        ),
      ).toEqual([{ code: 'INVALID_VALUE', path: 'data.kind' }]);
    });

    it('when a service topic message is validated, then its envelope is checked and data kept as is', () => {
      const message = {
        ...aTradeExecuted(),
        type: 'ClientOnboarded',
        data: { anything: ['goes'] },
      };
      expect(validateMessage(LEDGER_EVENTS_TOPIC, message)).toEqual({ ok: true, message });
    });

    it('when a ledger WithdrawalHoldPlaced has a numeric amount or an extra field, then it is refused with the field path (the wallet signs only after a valid hold)', () => {
      const numeric = {
        ...aWithdrawalHoldPlaced(),
        data: { ...aWithdrawalHoldPlaced().data, amountMinor: 1 },
      };
      expect(validateMessage(LEDGER_EVENTS_TOPIC, numeric)).toMatchObject({
        ok: false,
        issues: [{ path: 'data.amountMinor' }],
      });
      const extra = {
        ...aWithdrawalHoldPlaced(),
        data: { ...aWithdrawalHoldPlaced().data, note: 'x' },
      };
      expect(validateMessage(LEDGER_EVENTS_TOPIC, extra)).toMatchObject({
        ok: false,
        issues: [{ code: 'UNKNOWN_FIELD', path: 'data.note' }],
      });
    });

    it('when a wallet topic message of a type without a published schema is validated, then only its envelope is checked', () => {
      const message = {
        ...aTradeExecuted(),
        type: 'SigningSessionOpened',
        data: { anything: ['goes'] },
      };
      expect(validateMessage(WALLET_EVENTS_TOPIC, message)).toEqual({ ok: true, message });
    });
  });

  describe('given a trade with a bad amount (HK-8: integers of the smallest unit, never floats)', () => {
    it.each([
      ['a float', '1.5', 'AMOUNT_NOT_INTEGER'],
      ['an exponent', '1e8', 'AMOUNT_EXPONENT'],
      ['a negative quantity', '-5', 'AMOUNT_NEGATIVE'],
      ['leading zeros', '007', 'AMOUNT_LEADING_ZERO'],
      ['an empty string', '', 'AMOUNT_NOT_DECIMAL'],
      ['a zero quantity', '0', 'AMOUNT_ZERO'],
    ])(
      'HK-8 when the quantity is %s (%j), then it fails with %s at data.quantityMinor',
      (_case, text, code) => {
        expect(
          issuesOf(validateMessage(EXCHANGE_TRADES_TOPIC, tradeWith({ quantityMinor: text }))),
        ).toEqual([{ code, path: 'data.quantityMinor' }]);
      },
    );

    it('HK-8 when the quantity is a JSON number, then it fails with INVALID_TYPE', () => {
      expect(
        issuesOf(validateMessage(EXCHANGE_TRADES_TOPIC, tradeWith({ quantityMinor: 150000000 }))),
      ).toEqual([{ code: 'INVALID_TYPE', path: 'data.quantityMinor' }]);
    });

    it('HK-8 when a BTC quantity has 17 digits (BTC allows 16), then it fails with AMOUNT_TOO_MANY_DIGITS', () => {
      expect(
        issuesOf(
          validateMessage(EXCHANGE_TRADES_TOPIC, tradeWith({ quantityMinor: '1'.repeat(17) })),
        ),
      ).toEqual([{ code: 'AMOUNT_TOO_MANY_DIGITS', path: 'data.quantityMinor' }]);
    });

    it('HK-8 when a buyer fee in BTC has 17 digits, then the path names the fee leg amount', () => {
      const trade = tradeWith({ buyerFee: { asset: 'BTC', amountMinor: '9'.repeat(17) } });
      expect(issuesOf(validateMessage(EXCHANGE_TRADES_TOPIC, trade))).toEqual([
        { code: 'AMOUNT_TOO_MANY_DIGITS', path: 'data.buyerFee.amountMinor' },
      ]);
    });

    it('HK-8 when a seller fee amount is a float, then it fails at data.sellerFee.amountMinor', () => {
      const trade = tradeWith({ sellerFee: { asset: 'USDT', amountMinor: '0.25' } });
      expect(issuesOf(validateMessage(EXCHANGE_TRADES_TOPIC, trade))).toEqual([
        { code: 'AMOUNT_NOT_INTEGER', path: 'data.sellerFee.amountMinor' },
      ]);
    });

    it('HK-8 when any amount is longer than the largest asset limit, then it fails even before the asset is known', () => {
      const trade = tradeWith({ quoteAmountMinor: '1'.repeat(29) });
      expect(issuesOf(validateMessage(EXCHANGE_TRADES_TOPIC, trade))).toEqual([
        { code: 'AMOUNT_TOO_MANY_DIGITS', path: 'data.quoteAmountMinor' },
      ]);
    });

    it('when an ETH withdrawal has 28 digits, then it passes (ETH allows 28)', () => {
      const withdrawal = withData(aWithdrawalRequested(), { amountMinor: '1'.repeat(28) });
      expect(validateMessage(EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC, withdrawal).ok).toBe(true);
    });
  });

  describe('given a message that breaks another rule', () => {
    it('when the base asset is unknown, then it fails with ASSET_UNKNOWN at data.instrument.base', () => {
      const trade = tradeWith({ instrument: { base: 'DOGE', quote: 'USDT' } });
      expect(issuesOf(validateMessage(EXCHANGE_TRADES_TOPIC, trade))).toEqual([
        { code: 'ASSET_UNKNOWN', path: 'data.instrument.base' },
      ]);
    });

    it('when a withdrawal names an unknown asset, then it fails with ASSET_UNKNOWN at data.asset', () => {
      const withdrawal = withData(aWithdrawalRequested(), { asset: 'XRP' });
      expect(issuesOf(validateMessage(EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC, withdrawal))).toEqual([
        { code: 'ASSET_UNKNOWN', path: 'data.asset' },
      ]);
    });

    it('HK-8 when the seller fee leg is missing, then it fails with REQUIRED at data.sellerFee', () => {
      expect(
        issuesOf(validateMessage(EXCHANGE_TRADES_TOPIC, tradeWith({ sellerFee: undefined }))),
      ).toEqual([{ code: 'REQUIRED', path: 'data.sellerFee' }]);
    });

    it('when the price is a JSON number, then it fails with INVALID_TYPE at data.price', () => {
      expect(
        issuesOf(validateMessage(EXCHANGE_TRADES_TOPIC, tradeWith({ price: 64250.125 }))),
      ).toEqual([{ code: 'INVALID_TYPE', path: 'data.price' }]);
    });

    it.each(['1e3', '-1.5', '.5', '1.', '01.5'])(
      'when the price is %j, then it fails with DECIMAL_INVALID',
      (price) => {
        const prices = withData(aPriceObserved(), { price });
        expect(issuesOf(validateMessage(EXCHANGE_PRICES_TOPIC, prices))).toEqual([
          { code: 'DECIMAL_INVALID', path: 'data.price' },
        ]);
      },
    );

    it.each([
      ['uppercase hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01'],
      ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
      ['a short span id', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa-01'],
      ['an unknown version', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ])(
      'when the traceparent has %s, then it fails with TRACEPARENT_INVALID',
      (_case, traceparent) => {
        const trade = { ...aTradeExecuted(), traceContext: { traceparent } };
        expect(issuesOf(validateMessage(EXCHANGE_TRADES_TOPIC, trade))).toEqual([
          { code: 'TRACEPARENT_INVALID', path: 'traceContext.traceparent' },
        ]);
      },
    );

    it('when base and quote are the same asset, then it fails with ASSET_PAIR_SAME', () => {
      const trade = tradeWith({
        instrument: { base: 'BTC', quote: 'BTC' },
        sellerFee: { asset: 'BTC', amountMinor: '1' },
      });
      expect(issuesOf(validateMessage(EXCHANGE_TRADES_TOPIC, trade))).toEqual([
        { code: 'ASSET_PAIR_SAME', path: 'data.instrument.quote' },
      ]);
    });

    it('when the data has a field this version does not define, then it fails with UNKNOWN_FIELD at that field', () => {
      expect(
        issuesOf(validateMessage(EXCHANGE_TRADES_TOPIC, tradeWith({ buyerFees: [] }))),
      ).toEqual([{ code: 'UNKNOWN_FIELD', path: 'data.buyerFees' }]);
    });

    it.each([
      ['streamVersion', 5, 'INVALID_TYPE'],
      ['streamVersion', '0', 'STREAM_VERSION_INVALID'],
      ['streamVersion', '9223372036854775808', 'OUT_OF_RANGE'],
      ['occurredAt', '2026-01-31T09:30:00Z', 'TIMESTAMP_INVALID'],
      ['occurredAt', '2026-01-31T09:30:00.123+08:00', 'TIMESTAMP_INVALID'],
      ['eventId', 'not-a-uuid', 'UUID_INVALID'],
      ['schemaVersion', 2, 'INVALID_VALUE'],
      ['correlationId', undefined, 'REQUIRED'],
    ])('when the envelope %s is %j, then it fails with %s', (field, value, code) => {
      const trade: Record<string, unknown> = { ...aTradeExecuted(), [field]: value };
      if (value === undefined) delete trade[field];
      expect(issuesOf(validateMessage(EXCHANGE_TRADES_TOPIC, trade))).toEqual([
        { code, path: field },
      ]);
    });

    it('when a stream version beyond 2^53 is given as text, then it passes unchanged', () => {
      const trade = { ...aTradeExecuted(), streamVersion: '9223372036854775807' };
      expect(validateMessage(EXCHANGE_TRADES_TOPIC, trade)).toEqual({ ok: true, message: trade });
    });
  });

  describe('given a message with several mistakes', () => {
    it('HK-8 when the price and a fee leg are both wrong, then every issue is reported with its own path', () => {
      const trade = tradeWith({ price: 1.5, buyerFee: { amountMinor: '-1' } });
      expect(issuesOf(validateMessage(EXCHANGE_TRADES_TOPIC, trade))).toEqual([
        { code: 'INVALID_TYPE', path: 'data.price' },
        { code: 'REQUIRED', path: 'data.buyerFee.asset' },
        { code: 'AMOUNT_NEGATIVE', path: 'data.buyerFee.amountMinor' },
      ]);
    });

    it('when an issue is reported, then its reason is a readable sentence without the code prefix', () => {
      const result = validateMessage(EXCHANGE_TRADES_TOPIC, tradeWith({ quantityMinor: '1e8' }));
      expect(result).toEqual({
        ok: false,
        issues: [
          {
            code: 'AMOUNT_EXPONENT',
            path: 'data.quantityMinor',
            reason: 'amount must not use exponent notation',
          },
        ],
      });
    });
  });

  describe('given input that is not a message at all', () => {
    it.each([null, undefined, 42, 'text', [], new Date(0)])(
      'when %p is validated, then it returns issues and never throws',
      (value) => {
        const result = validateMessage(EXCHANGE_TRADES_TOPIC, value);
        expect(result.ok).toBe(false);
      },
    );

    it('when the topic is unknown, then it fails with TOPIC_UNKNOWN', () => {
      expect(issuesOf(validateMessage('exchange.trades.v9', aTradeExecuted()))).toEqual([
        { code: 'TOPIC_UNKNOWN', path: '' },
      ]);
    });
  });

  describe('given a registry that replaces the shipped defaults', () => {
    const contracts = createContracts({
      BTC: { decimals: 8, integerDigitsMax: 10 },
      USDT: { decimals: 6, integerDigitsMax: 20 },
    });

    it('when a quantity fits the default BTC limit but not the configured one, then it fails', () => {
      const trade = tradeWith({ quantityMinor: '1'.repeat(11) });
      expect(issuesOf(contracts.validateMessage(EXCHANGE_TRADES_TOPIC, trade))).toEqual([
        { code: 'AMOUNT_TOO_MANY_DIGITS', path: 'data.quantityMinor' },
      ]);
    });

    it('when an asset not in the configured registry is used, then it fails with ASSET_UNKNOWN', () => {
      const withdrawal = withData(aWithdrawalRequested(), { asset: 'ETH' });
      expect(
        issuesOf(contracts.validateMessage(EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC, withdrawal)),
      ).toEqual([{ code: 'ASSET_UNKNOWN', path: 'data.asset' }]);
    });

    it('when the registry is malformed, then building contracts crashes loudly (programmer error)', () => {
      expect(() => createContracts({})).toThrow('asset registry is empty');
      expect(() => createContracts({ btc: { decimals: 8, integerDigitsMax: 16 } })).toThrow(
        'does not match',
      );
    });
  });
});
