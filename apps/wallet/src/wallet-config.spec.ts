import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWalletConfig, WALLET_PROCESSOR_INTERVAL_MS_DEFAULT } from './wallet-config';

const directory = mkdtempSync(join(tmpdir(), 'wallet-config-'));
const pinFile = join(directory, 'hsm-pin');
writeFileSync(pinFile, 'pin-from-a-file-1234\n', { mode: 0o600 });

describe('wallet configuration', () => {
  it('given nothing, then a wallet without HSM or chain (its commands answer 503), keys kept in HK only', () => {
    const parsed = parseWalletConfig({});
    expect(parsed).toMatchObject({
      ok: true,
      config: {
        hsm: undefined,
        evm: undefined,
        keyJurisdictions: ['HK'],
        processorIntervalMs: WALLET_PROCESSOR_INTERVAL_MS_DEFAULT,
      },
    });
  });

  it('given an HSM, a chain with a token and alert thresholds, then each is parsed; amounts as bigint', () => {
    const parsed = parseWalletConfig({
      WALLET_HSM_TOKEN_LABEL: 'custody',
      WALLET_HSM_PIN_FILE: pinFile,
      WALLET_EVM_RPC_URL: 'http://127.0.0.1:8545',
      WALLET_EVM_CHAIN_ID: '31337',
      WALLET_EVM_TOKENS: 'USDT=0xdAC17F958D2ee523a2206206994597C13D831ec7',
      WALLET_KEY_JURISDICTIONS: 'HK,TW',
      WALLET_ALERT_THRESHOLDS: 'ETH=5000000000000000000,USDT=100000000000',
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.config.hsm).toMatchObject({
      tokenLabel: 'custody',
      modulePath: '/usr/lib/softhsm/libsofthsm2.so',
    });
    expect(parsed.config.evm).toEqual({
      chain: 'ethereum',
      rpcUrl: 'http://127.0.0.1:8545',
      chainId: 31337,
      nativeAsset: 'ETH',
      tokens: { USDT: '0xdAC17F958D2ee523a2206206994597C13D831ec7' },
    });
    expect(parsed.config.keyJurisdictions).toEqual(['HK', 'TW']);
    expect(parsed.config.thresholds.perAssetMinor.get('ETH')).toBe(5_000_000_000_000_000_000n);
  });

  it('given the policy service, then its URL and token file; a URL without a token file is refused by name', () => {
    expect(
      parseWalletConfig({
        WALLET_POLICY_URL: 'http://policy:3000',
        WALLET_POLICY_TOKEN_FILE: '/var/run/secrets/tokens/policy',
      }),
    ).toMatchObject({
      ok: true,
      config: {
        policy: { url: 'http://policy:3000', tokenFile: '/var/run/secrets/tokens/policy' },
      },
    });
    expect(parseWalletConfig({})).toMatchObject({ ok: true, config: { policy: undefined } });
    expect(parseWalletConfig({ WALLET_POLICY_URL: 'http://policy:3000' })).toMatchObject({
      ok: false,
      problems: [{ variable: 'WALLET_POLICY_TOKEN_FILE' }],
    });
  });

  it('given bad values, then every problem is named by its variable and no secret is echoed', () => {
    const parsed = parseWalletConfig({
      WALLET_HSM_TOKEN_LABEL: 'custody',
      WALLET_EVM_RPC_URL: 'ftp://node',
      WALLET_EVM_TOKENS: 'USDT=0x12',
      WALLET_KEY_JURISDICTIONS: 'hongkong',
      WALLET_PROCESSOR_INTERVAL_MS: '5',
      WALLET_ALERT_THRESHOLDS: 'ETH=-1',
    });
    expect(parsed.ok).toBe(false);
    const variables = parsed.ok ? [] : parsed.problems.map((problem) => problem.variable);
    expect(variables.sort()).toEqual(
      [
        'WALLET_ALERT_THRESHOLDS',
        'WALLET_EVM_CHAIN_ID',
        'WALLET_EVM_RPC_URL',
        'WALLET_EVM_TOKENS',
        'WALLET_HSM_PIN_FILE',
        'WALLET_KEY_JURISDICTIONS',
        'WALLET_PROCESSOR_INTERVAL_MS',
      ].sort(),
    );
  });

  it('HK-11a given a development key directory, then it is accepted only for a local chain, outside production, and never beside an HSM', () => {
    const local = {
      WALLET_DEV_KEY_DIR: '.custody/keys',
      WALLET_EVM_RPC_URL: 'http://127.0.0.1:8545',
      WALLET_EVM_CHAIN_ID: '31337',
    };
    expect(parseWalletConfig(local)).toMatchObject({
      ok: true,
      config: { developmentKeyDir: '.custody/keys', hsm: undefined },
    });
    const refused = (env: Record<string, string>) => {
      const parsed = parseWalletConfig(env);
      return parsed.ok
        ? []
        : parsed.problems
            .filter((problem) => problem.variable === 'WALLET_DEV_KEY_DIR')
            .map((problem) => problem.reason);
    };
    expect(refused({ ...local, WALLET_EVM_CHAIN_ID: '1' })).toEqual([
      expect.stringMatching(/local development chain .* not chain 1$/),
    ]);
    expect(refused({ ...local, NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^refused with NODE_ENV=production/),
    ]);
    expect(refused({ ...local, WALLET_HSM_TOKEN_LABEL: 'custody', WALLET_HSM_PIN: 'x' })).toEqual([
      expect.stringMatching(/^not with WALLET_HSM_TOKEN_LABEL/),
    ]);
  });

  describe('the HSM PIN (issue 22: it was read from an environment variable; the audit reads its own from a file)', () => {
    const hsm = { WALLET_HSM_TOKEN_LABEL: 'custody' };
    const problemsOf = (env: Record<string, string>) => {
      const parsed = parseWalletConfig(env);
      return parsed.ok ? [] : parsed.problems;
    };

    it("given WALLET_HSM_PIN_FILE, then the PIN is the file's content without its line break", () => {
      expect(
        parseWalletConfig({ ...hsm, WALLET_HSM_PIN_FILE: pinFile, NODE_ENV: 'production' }),
      ).toMatchObject({
        ok: true,
        config: { hsm: { tokenLabel: 'custody', pin: 'pin-from-a-file-1234' } },
      });
    });

    it.each([undefined, 'production', 'staging'])(
      'given the plain WALLET_HSM_PIN with NODE_ENV=%p (not development), then it is refused by name, and the PIN is not echoed',
      (nodeEnv) => {
        const problems = problemsOf({
          ...hsm,
          WALLET_HSM_PIN: 'plain-pin-5678',
          ...(nodeEnv === undefined ? {} : { NODE_ENV: nodeEnv }),
        });
        expect(problems).toEqual([
          {
            variable: 'WALLET_HSM_PIN',
            reason: expect.stringMatching(/^refused outside development .*WALLET_HSM_PIN_FILE/),
          },
        ]);
        expect(JSON.stringify(problems)).not.toContain('plain-pin-5678');
      },
    );

    it.each(['development', 'test'])(
      'given the plain WALLET_HSM_PIN with NODE_ENV=%s, then it is still accepted',
      (nodeEnv) => {
        expect(
          parseWalletConfig({ ...hsm, WALLET_HSM_PIN: 'plain-pin-5678', NODE_ENV: nodeEnv }),
        ).toMatchObject({ ok: true, config: { hsm: { pin: 'plain-pin-5678' } } });
      },
    );

    it('given both, or a missing or empty PIN file, then each is a problem of its own, and no PIN is echoed', () => {
      const emptyFile = join(directory, 'empty-pin');
      writeFileSync(emptyFile, '\n');
      expect(
        problemsOf({
          ...hsm,
          WALLET_HSM_PIN_FILE: pinFile,
          WALLET_HSM_PIN: 'plain-pin-5678',
          NODE_ENV: 'development',
        }),
      ).toEqual([
        {
          variable: 'WALLET_HSM_PIN',
          reason: expect.stringMatching(/^not with WALLET_HSM_PIN_FILE/),
        },
      ]);
      expect(problemsOf({ ...hsm, WALLET_HSM_PIN_FILE: join(directory, 'no-such-file') })).toEqual([
        { variable: 'WALLET_HSM_PIN_FILE', reason: 'a readable file holding the token user PIN' },
      ]);
      expect(problemsOf({ ...hsm, WALLET_HSM_PIN_FILE: emptyFile })).toEqual([
        { variable: 'WALLET_HSM_PIN_FILE', reason: 'the file is empty' },
      ]);
      expect(problemsOf(hsm)).toEqual([
        {
          variable: 'WALLET_HSM_PIN_FILE',
          reason: expect.stringMatching(/^required with WALLET_HSM_TOKEN_LABEL/),
        },
      ]);
    });
  });
});
