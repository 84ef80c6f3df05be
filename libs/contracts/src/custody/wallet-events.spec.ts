import { createContracts, defaultContracts, type MessageOf, validateMessage } from '../contracts';
import type { ValidationResult } from '../issues';
import {
  aDepositConfirmed,
  aHouseDepositConfirmed,
  aWithdrawalApproved,
  aWithdrawalConfirmed,
  aWithdrawalFailed,
  withData,
} from '../test-messages';
import { WALLET_EVENTS_TOPIC } from '../topics';
import { isTypedWalletEvent } from './wallet-events';
import { WITHDRAWAL_FAILURE_REASONS } from './wallet-events.v1';

function issuesOf(result: ValidationResult<unknown>): { code: string; path: string }[] {
  if (result.ok) throw new Error('expected the message to be refused');
  return result.issues.map(({ code, path }) => ({ code, path }));
}

function validateWallet(message: unknown): ValidationResult<unknown> {
  return validateMessage(WALLET_EVENTS_TOPIC, message);
}

const EXAMPLES = {
  DepositConfirmed: aDepositConfirmed,
  WithdrawalApproved: aWithdrawalApproved,
  WithdrawalConfirmed: aWithdrawalConfirmed,
  WithdrawalFailed: aWithdrawalFailed,
  HouseDepositConfirmed: aHouseDepositConfirmed,
} as const;
type TypedName = keyof typeof EXAMPLES;

const TYPED_NAMES = Object.keys(EXAMPLES) as TypedName[];
/** [type, field] for every data field of every example: each is required. */
const DATA_FIELDS = TYPED_NAMES.flatMap((type) =>
  Object.keys(EXAMPLES[type]().data).map((field) => [type, field] as const),
);
/** [type, field] of every amount; its asset is the message's `asset`. */
const AMOUNT_FIELDS = [
  ['DepositConfirmed', 'amountMinor'],
  ['WithdrawalApproved', 'amountMinor'],
  ['WithdrawalConfirmed', 'amountMinor'],
  ['WithdrawalConfirmed', 'networkFeeMinor'],
  ['HouseDepositConfirmed', 'amountMinor'],
] as const;
const ASSET_TYPES = [
  'DepositConfirmed',
  'WithdrawalApproved',
  'WithdrawalConfirmed',
  'HouseDepositConfirmed',
] as const;

function exampleWith(type: TypedName, patch: Record<string, unknown>): unknown {
  return withData(EXAMPLES[type](), patch);
}

function anotherWalletEvent(): Record<string, unknown> {
  return {
    ...aDepositConfirmed(),
    streamId: 'key-K-9',
    type: 'KeyAccessGranted',
    schemaVersion: 3,
    data: { keyId: 'K-9', custodianIds: ['c-1', 'c-2'], anything: { nested: 1.5 } },
  };
}

describe('custody.wallet.events.v1', () => {
  describe('given a valid message of each typed wallet event', () => {
    it.each(TYPED_NAMES)(
      'when a %s v1 is validated, then it passes typed and unchanged',
      (type) => {
        const message = EXAMPLES[type]();
        expect(validateWallet(message)).toEqual({ ok: true, message });
      },
    );

    it.each(WITHDRAWAL_FAILURE_REASONS)(
      'when a WithdrawalFailed has reason %s, then it passes',
      (reason) => {
        expect(validateWallet(exampleWith('WithdrawalFailed', { reason })).ok).toBe(true);
      },
    );

    it.each([
      ['a withdrawal with no network fee', 'WithdrawalConfirmed', { networkFeeMinor: '0' }],
      [
        'a deposit with 0 confirmations (a chain with finality instead of depth)',
        'DepositConfirmed',
        { confirmations: 0 },
      ],
      ['a deposit with the most confirmations', 'DepositConfirmed', { confirmations: 1_000_000 }],
      [
        'an ETH amount of 28 digits (ETH allows 28)',
        'WithdrawalConfirmed',
        { amountMinor: '1'.repeat(28) },
      ],
      [
        'a solana signature as transaction hash (base58, 88 characters)',
        'DepositConfirmed',
        {
          asset: 'SOL',
          chain: 'solana',
          transactionHash: '5'.repeat(44) + 'KpQ'.repeat(14) + 'zz',
        },
      ],
    ] as const)('when %s is validated, then it passes', (_case, type, patch) => {
      expect(validateWallet(exampleWith(type, patch)).ok).toBe(true);
    });

    it('when the trace context is absent, then it passes (optional in every envelope)', () => {
      const { traceContext: _untraced, ...message } = aWithdrawalApproved();
      expect(validateWallet(message)).toEqual({ ok: true, message });
    });
  });

  describe('given an amount that is not an integer of the asset smallest unit (HK-8)', () => {
    describe.each(AMOUNT_FIELDS)('in %s.%s', (type, field) => {
      it.each([
        ['a float', '1.5', 'AMOUNT_NOT_INTEGER'],
        ['an exponent', '1e8', 'AMOUNT_EXPONENT'],
        ['negative', '-5', 'AMOUNT_NEGATIVE'],
        ['with leading zeros', '007', 'AMOUNT_LEADING_ZERO'],
        ['a JSON number', 150000000, 'INVALID_TYPE'],
        ['longer than any asset allows', '1'.repeat(29), 'AMOUNT_TOO_MANY_DIGITS'],
      ])(
        `HK-8 when the amount is %s (%j), then it fails with %s at data.${field}`,
        (_case, amount, code) => {
          expect(issuesOf(validateWallet(exampleWith(type, { [field]: amount })))).toEqual([
            { code, path: `data.${field}` },
          ]);
        },
      );

      it(`HK-8 when a BTC amount has 17 digits (BTC allows 16), then it fails with AMOUNT_TOO_MANY_DIGITS at data.${field}`, () => {
        const otherAmountsFit = Object.fromEntries(
          AMOUNT_FIELDS.filter(([of]) => of === type).map(([, name]) => [name, '1']),
        );
        const message = exampleWith(type, {
          asset: 'BTC',
          ...otherAmountsFit,
          [field]: '9'.repeat(17),
        });
        expect(issuesOf(validateWallet(message))).toEqual([
          { code: 'AMOUNT_TOO_MANY_DIGITS', path: `data.${field}` },
        ]);
      });
    });

    it.each(ASSET_TYPES)(
      'HK-8 when the amount of a %s is zero, then it fails with AMOUNT_ZERO',
      (type) => {
        expect(issuesOf(validateWallet(exampleWith(type, { amountMinor: '0' })))).toEqual([
          { code: 'AMOUNT_ZERO', path: 'data.amountMinor' },
        ]);
      },
    );

    it.each(ASSET_TYPES)(
      'when a %s names an unknown asset, then it fails with ASSET_UNKNOWN at data.asset',
      (type) => {
        expect(issuesOf(validateWallet(exampleWith(type, { asset: 'DOGE' })))).toEqual([
          { code: 'ASSET_UNKNOWN', path: 'data.asset' },
        ]);
      },
    );
  });

  describe('given a typed event with a missing, extra or malformed field', () => {
    it.each(DATA_FIELDS)(
      'when %s has no %s, then it fails with REQUIRED at that field',
      (type, field) => {
        expect(issuesOf(validateWallet(exampleWith(type, { [field]: undefined })))).toEqual([
          { code: 'REQUIRED', path: `data.${field}` },
        ]);
      },
    );

    it.each(TYPED_NAMES)(
      'when %s data has a field v1 does not define, then it fails with UNKNOWN_FIELD (strict)',
      (type) => {
        expect(issuesOf(validateWallet(exampleWith(type, { memo: 'x' })))).toEqual([
          { code: 'UNKNOWN_FIELD', path: 'data.memo' },
        ]);
      },
    );

    it.each(TYPED_NAMES)(
      'when a %s envelope has an extra field, then it fails with UNKNOWN_FIELD at it',
      (type) => {
        expect(issuesOf(validateWallet({ ...EXAMPLES[type](), partition: 0 }))).toEqual([
          { code: 'UNKNOWN_FIELD', path: 'partition' },
        ]);
      },
    );

    it.each(['timeout', 'Rejected', 'failed', ''])(
      'when a WithdrawalFailed reason is %j, then it fails with INVALID_VALUE',
      (reason) => {
        expect(issuesOf(validateWallet(exampleWith('WithdrawalFailed', { reason })))).toEqual([
          { code: 'INVALID_VALUE', path: 'data.reason' },
        ]);
      },
    );

    it.each([
      [-1, 'OUT_OF_RANGE'],
      [1_000_001, 'OUT_OF_RANGE'],
      [1.5, 'INVALID_TYPE'],
      ['6', 'INVALID_TYPE'],
    ])('when a deposit has %j confirmations, then it fails with %s', (confirmations, code) => {
      for (const type of ['DepositConfirmed', 'HouseDepositConfirmed'] as const)
        expect(issuesOf(validateWallet(exampleWith(type, { confirmations })))).toEqual([
          { code, path: 'data.confirmations' },
        ]);
    });

    it.each([
      ['too short', 'abc123'],
      ['with whitespace', `${'a'.repeat(32)} ${'b'.repeat(31)}`],
      ['too long', 'a'.repeat(129)],
      ['with a separator', `${'a'.repeat(64)}:0`],
    ])(
      'when a transaction hash is %s, then it fails with INVALID_FORMAT',
      (_case, transactionHash) => {
        for (const type of [
          'DepositConfirmed',
          'WithdrawalConfirmed',
          'HouseDepositConfirmed',
        ] as const) {
          expect(issuesOf(validateWallet(exampleWith(type, { transactionHash })))).toEqual([
            { code: 'INVALID_FORMAT', path: 'data.transactionHash' },
          ]);
        }
      },
    );

    it.each([
      ['chain', 'Ethereum'],
      ['destinationAddress', '0x5290 8400'],
      ['walletId', '-wallet'],
      ['destinationAllowListedForClientId', 'client 1'],
    ])('when a WithdrawalApproved %s is %j, then it fails with INVALID_FORMAT', (field, value) => {
      expect(
        issuesOf(validateWallet(exampleWith('WithdrawalApproved', { [field]: value }))),
      ).toEqual([{ code: 'INVALID_FORMAT', path: `data.${field}` }]);
    });

    it.each(['2026-01-31T09:35:00Z', '2026-01-31T09:35:00.000+08:00'])(
      'when approvedAt is %j, then it fails with TIMESTAMP_INVALID',
      (approvedAt) => {
        expect(issuesOf(validateWallet(exampleWith('WithdrawalApproved', { approvedAt })))).toEqual(
          [{ code: 'TIMESTAMP_INVALID', path: 'data.approvedAt' }],
        );
      },
    );

    it('HK-7 when the destination is on ANOTHER client allow-list, then the contract passes it (the ledger refuses the hold and records why)', () => {
      const message = exampleWith('WithdrawalApproved', {
        destinationAllowListedForClientId: 'client-2',
      });
      expect(validateWallet(message).ok).toBe(true);
    });

    it('HK-7 when no allow-list is named (null), then it fails with INVALID_TYPE: v1 always names one', () => {
      const message = exampleWith('WithdrawalApproved', {
        destinationAllowListedForClientId: null,
      });
      expect(issuesOf(validateWallet(message))).toEqual([
        { code: 'INVALID_TYPE', path: 'data.destinationAllowListedForClientId' },
      ]);
    });

    it('HK-8 when several fields are wrong, then every issue is reported with its own path', () => {
      const message = exampleWith('WithdrawalConfirmed', {
        amountMinor: '1.5',
        networkFeeMinor: '-1',
        chain: undefined,
      });
      expect(issuesOf(validateWallet({ ...(message as object), eventId: 'nope' }))).toEqual([
        { code: 'UUID_INVALID', path: 'eventId' },
        { code: 'AMOUNT_NOT_INTEGER', path: 'data.amountMinor' },
        { code: 'AMOUNT_NEGATIVE', path: 'data.networkFeeMinor' },
        { code: 'REQUIRED', path: 'data.chain' },
      ]);
    });
  });

  describe('given a typed event type at a schema version this consumer does not know', () => {
    it.each(TYPED_NAMES)(
      'when a %s has schemaVersion 2, then it fails with INVALID_VALUE naming the known versions',
      (type) => {
        const result = validateWallet({ ...EXAMPLES[type](), schemaVersion: 2 });
        expect(result).toEqual({
          ok: false,
          issues: [
            {
              code: 'INVALID_VALUE',
              path: 'schemaVersion',
              reason: `${type} schema version 2 is not known here (known: 1)`,
            },
          ],
        });
      },
    );

    it('when an unknown version also breaks the envelope, then both are reported', () => {
      const message = { ...aDepositConfirmed(), schemaVersion: 2, occurredAt: 'yesterday' };
      expect(issuesOf(validateWallet(message))).toEqual([
        { code: 'INVALID_VALUE', path: 'schemaVersion' },
        { code: 'TIMESTAMP_INVALID', path: 'occurredAt' },
      ]);
    });

    it.each([
      ['1', 'INVALID_TYPE'],
      [1.5, 'INVALID_TYPE'],
      [0, 'OUT_OF_RANGE'],
      [1001, 'OUT_OF_RANGE'],
      [undefined, 'REQUIRED'],
    ])(
      'when the schemaVersion is %j, then it fails with the envelope code %s',
      (schemaVersion, code) => {
        const message: Record<string, unknown> = { ...aWithdrawalApproved(), schemaVersion };
        if (schemaVersion === undefined) delete message['schemaVersion'];
        expect(issuesOf(validateWallet(message))).toEqual([{ code, path: 'schemaVersion' }]);
      },
    );
  });

  describe('given another event type on the wallet topic (key access, signing: forward compatible)', () => {
    it('when it is validated, then its envelope is checked and its data kept as is', () => {
      const message = anotherWalletEvent();
      expect(validateWallet(message)).toEqual({ ok: true, message });
    });

    it('when its envelope is broken, then it fails like any envelope', () => {
      expect(
        issuesOf(validateWallet({ ...anotherWalletEvent(), eventId: 'nope', extra: true })),
      ).toEqual([
        { code: 'UUID_INVALID', path: 'eventId' },
        { code: 'UNKNOWN_FIELD', path: 'extra' },
      ]);
    });

    it('when its type does not match the type pattern, then it fails with INVALID_FORMAT at type', () => {
      expect(
        issuesOf(validateWallet({ ...anotherWalletEvent(), type: 'depositConfirmed' })),
      ).toEqual([{ code: 'INVALID_FORMAT', path: 'type' }]);
    });

    it('when a typed type carries data of another type, then its own schema still applies', () => {
      const message = { ...anotherWalletEvent(), type: 'DepositConfirmed', schemaVersion: 1 };
      expect(issuesOf(validateWallet(message)).map(({ code }) => code)).toContain('UNKNOWN_FIELD');
    });
  });

  describe('given the topic schema (typing, JSON Schema) next to the per-type validation', () => {
    const samples: [string, unknown][] = [
      ...TYPED_NAMES.map((type): [string, unknown] => [`${type} v1`, EXAMPLES[type]()]),
      ...TYPED_NAMES.map((type): [string, unknown] => [
        `${type} v2`,
        { ...EXAMPLES[type](), schemaVersion: 2 },
      ]),
      ...DATA_FIELDS.map(([type, field]): [string, unknown] => [
        `${type} without ${field}`,
        exampleWith(type, { [field]: undefined }),
      ]),
      [
        'a BTC deposit of 17 digits',
        exampleWith('DepositConfirmed', { amountMinor: '1'.repeat(17) }),
      ],
      ['another type', anotherWalletEvent()],
      ['another type with a bad envelope', { ...anotherWalletEvent(), streamVersion: 1 }],
      ['not an object', 'DepositConfirmed'],
      ['null', null],
    ];

    it.each(samples)(
      'when %s is checked both ways, then both accept or both refuse',
      (_case, message) => {
        const whole = defaultContracts.schemaFor(WALLET_EVENTS_TOPIC).safeParse(message).success;
        expect(whole).toBe(validateWallet(message).ok);
      },
    );

    it('when a validated message is narrowed with isTypedWalletEvent, then typed events give their typed data', () => {
      const seen: string[] = [];
      for (const value of [...TYPED_NAMES.map((type) => EXAMPLES[type]()), anotherWalletEvent()]) {
        const result = validateMessage(WALLET_EVENTS_TOPIC, value);
        if (!result.ok) throw new Error('expected a valid message');
        const message: MessageOf<typeof WALLET_EVENTS_TOPIC> = result.message;
        if (!isTypedWalletEvent(message)) {
          seen.push(`other ${message.type}`);
          continue;
        }
        switch (message.type) {
          case 'DepositConfirmed':
            seen.push(
              `${message.data.depositId} ${message.data.amountMinor} ${message.data.confirmations}`,
            );
            break;
          case 'WithdrawalApproved':
            seen.push(
              `${message.data.requestId} ${message.data.destinationAllowListedForClientId}`,
            );
            break;
          case 'WithdrawalConfirmed':
            seen.push(`${message.data.withdrawalId} ${message.data.networkFeeMinor}`);
            break;
          case 'WithdrawalFailed':
            seen.push(`${message.data.withdrawalId} ${message.data.reason}`);
            break;
          case 'HouseDepositConfirmed':
            seen.push(`house ${message.data.walletId} ${message.data.amountMinor}`);
            break;
          case 'WalletRegistered':
          case 'InternalTransferConfirmed':
          case 'NetworkFeePaid':
            seen.push(message.type);
            break;
          default: {
            const unreachable: never = message;
            throw new Error(`unreachable ${JSON.stringify(unreachable)}`);
          }
        }
      }
      expect(seen).toEqual([
        'D-42 250000000 6',
        'W-7 client-1',
        'WD-7 420000000000000',
        'WD-8 broadcast-failed',
        'house wallet-house-eth-1 3000000000000000000',
        'other KeyAccessGranted',
      ]);
    });
  });

  describe('given a registry that replaces the shipped defaults', () => {
    const contracts = createContracts({
      BTC: { decimals: 8, integerDigitsMax: 10 },
      USDT: { decimals: 6, integerDigitsMax: 20 },
    });

    it('HK-8 when a deposit fits the default BTC limit but not the configured one, then it fails', () => {
      const deposit = exampleWith('DepositConfirmed', { amountMinor: '1'.repeat(11) });
      expect(issuesOf(contracts.validateMessage(WALLET_EVENTS_TOPIC, deposit))).toEqual([
        { code: 'AMOUNT_TOO_MANY_DIGITS', path: 'data.amountMinor' },
      ]);
    });

    it('when a withdrawal names an asset outside the configured registry, then it fails with ASSET_UNKNOWN', () => {
      expect(
        issuesOf(contracts.validateMessage(WALLET_EVENTS_TOPIC, aWithdrawalApproved())),
      ).toEqual([{ code: 'ASSET_UNKNOWN', path: 'data.asset' }]);
    });
  });
});
