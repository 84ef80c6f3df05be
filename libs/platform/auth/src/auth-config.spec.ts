import { inspect } from 'node:util';
import { KEY_SOURCE_VARIABLES, parseAuthConfig, type AuthConfigResult } from './auth-config';
import {
  SERVICE_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT,
  SHARED_SECRET_BYTES_MIN,
  STAFF_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT,
  TOKEN_LIFETIME_SECONDS_MAX_HIGHEST,
  TOKEN_LIFETIME_SECONDS_MAX_LOWEST,
} from './limits';

const SECRET = 'development-secret-of-at-least-32-bytes!';
const BASE = { AUTH_ISSUER: 'https://issuer.custody.test', AUTH_AUDIENCE: 'custody-ledger' };

function problemsOf(result: AuthConfigResult) {
  if (result.ok) throw new Error('expected problems, got a config');
  return result.problems;
}

function configOf(result: AuthConfigResult) {
  if (!result.ok) throw new Error(`expected a config, got ${JSON.stringify(result.problems)}`);
  return result.config;
}

describe('parseAuthConfig', () => {
  describe('given NODE_ENV=production (issue 22: one shared secret makes every maker-checker one person)', () => {
    it('refuses AUTH_JWT_SECRET, naming the variable and never the secret', () => {
      const problems = problemsOf(
        parseAuthConfig({ ...BASE, AUTH_JWT_SECRET: SECRET, NODE_ENV: 'production' }),
      );
      expect(problems.map((problem) => problem.variable)).toEqual(['AUTH_JWT_SECRET']);
      expect(JSON.stringify(problems)).not.toContain(SECRET);
    });

    it('accepts it only with AUTH_ALLOW_HS256_IN_PRODUCTION=true (a single-host demonstration), and a JWKS URL always', () => {
      expect(
        configOf(
          parseAuthConfig({
            ...BASE,
            AUTH_JWT_SECRET: SECRET,
            NODE_ENV: 'production',
            AUTH_ALLOW_HS256_IN_PRODUCTION: 'true',
          }),
        ).keys.kind,
      ).toBe('shared-secret');
      expect(
        configOf(
          parseAuthConfig({
            ...BASE,
            AUTH_JWKS_URL: 'https://issuer.custody.test/jwks.json',
            NODE_ENV: 'production',
          }),
        ).keys.kind,
      ).toBe('jwks');
      expect(
        problemsOf(
          parseAuthConfig({
            ...BASE,
            AUTH_JWT_SECRET: SECRET,
            AUTH_ALLOW_HS256_IN_PRODUCTION: 'yes',
          }),
        ).map((problem) => problem.variable),
      ).toEqual(['AUTH_ALLOW_HS256_IN_PRODUCTION']);
    });
  });

  describe('given a valid environment', () => {
    it('given issuer, audience and a long enough secret, when parsing, then it is an HS256 shared-secret config', () => {
      const config = configOf(parseAuthConfig({ ...BASE, AUTH_JWT_SECRET: SECRET }));
      expect(config).toMatchObject({ issuer: BASE.AUTH_ISSUER, audience: BASE.AUTH_AUDIENCE });
      expect(config.keys).toMatchObject({ kind: 'shared-secret', algorithms: ['HS256'] });
    });

    it('given a secret of exactly the minimum length, when parsing, then it is accepted', () => {
      const result = parseAuthConfig({
        ...BASE,
        AUTH_JWT_SECRET: 'x'.repeat(SHARED_SECRET_BYTES_MIN),
      });
      expect(result.ok).toBe(true);
    });

    it('given an https JWKS URL, when parsing, then it is an RS256/ES256 JWKS config', () => {
      const config = configOf(
        parseAuthConfig({
          ...BASE,
          AUTH_JWKS_URL: 'https://idp.custody.test/.well-known/jwks.json',
        }),
      );
      expect(config.keys).toMatchObject({ kind: 'jwks', algorithms: ['RS256', 'ES256'] });
      if (config.keys.kind !== 'jwks') throw new Error('expected jwks');
      expect(config.keys.url.href).toBe('https://idp.custody.test/.well-known/jwks.json');
    });

    it.each(['http://127.0.0.1:8080/jwks.json', 'http://localhost/jwks.json'])(
      'given a plain http JWKS URL on a loopback host (%s), when parsing, then it is accepted',
      (url) => {
        expect(parseAuthConfig({ ...BASE, AUTH_JWKS_URL: url }).ok).toBe(true);
      },
    );

    it('given a parsed secret config, when it is logged or serialized, then the secret does not appear', () => {
      const config = configOf(parseAuthConfig({ ...BASE, AUTH_JWT_SECRET: SECRET }));
      expect(inspect(config, { depth: 10 })).not.toContain(SECRET);
      expect(JSON.stringify(config)).not.toContain(SECRET);
      expect(`${config.keys.kind === 'shared-secret' ? config.keys.secret : ''}`).toBe(
        '[redacted]',
      );
    });
  });

  describe('given a missing required variable', () => {
    it.each(['AUTH_ISSUER', 'AUTH_AUDIENCE'])(
      'given %s unset, when parsing, then that variable is reported',
      (variable) => {
        const environment: Record<string, string | undefined> = {
          ...BASE,
          AUTH_JWT_SECRET: SECRET,
          [variable]: undefined,
        };
        expect(problemsOf(parseAuthConfig(environment))).toEqual([
          { variable, reason: 'is required but not set' },
        ]);
      },
    );

    it('given AUTH_ISSUER blank, when parsing, then it counts as not set', () => {
      const problems = problemsOf(
        parseAuthConfig({ ...BASE, AUTH_ISSUER: '   ', AUTH_JWT_SECRET: SECRET }),
      );
      expect(problems).toEqual([{ variable: 'AUTH_ISSUER', reason: 'is required but not set' }]);
    });

    it('given an empty environment, when parsing, then every problem is reported at once', () => {
      const variables = problemsOf(parseAuthConfig({})).map((problem) => problem.variable);
      expect(variables).toEqual(['AUTH_ISSUER', 'AUTH_AUDIENCE', KEY_SOURCE_VARIABLES]);
    });
  });

  describe('given the key source variables', () => {
    it('given neither AUTH_JWT_SECRET nor AUTH_JWKS_URL, when parsing, then it asks for exactly one', () => {
      const [problem] = problemsOf(parseAuthConfig(BASE));
      expect(problem).toMatchObject({
        variable: KEY_SOURCE_VARIABLES,
        reason: expect.stringContaining('neither'),
      });
    });

    it('given both AUTH_JWT_SECRET and AUTH_JWKS_URL, when parsing, then it refuses and does not echo the secret', () => {
      const problems = problemsOf(
        parseAuthConfig({
          ...BASE,
          AUTH_JWT_SECRET: SECRET,
          AUTH_JWKS_URL: 'https://idp.test/jwks',
        }),
      );
      expect(problems).toEqual([
        { variable: KEY_SOURCE_VARIABLES, reason: expect.stringContaining('both') },
      ]);
      expect(JSON.stringify(problems)).not.toContain(SECRET);
    });

    it('given a secret one byte too short, when parsing, then it is refused with the lengths but not the value', () => {
      const shortSecret = 's'.repeat(SHARED_SECRET_BYTES_MIN - 1);
      const problems = problemsOf(parseAuthConfig({ ...BASE, AUTH_JWT_SECRET: shortSecret }));
      expect(problems).toEqual([
        {
          variable: 'AUTH_JWT_SECRET',
          reason: `must be at least ${SHARED_SECRET_BYTES_MIN} bytes for HS256, got ${SHARED_SECRET_BYTES_MIN - 1}`,
        },
      ]);
      expect(JSON.stringify(problems)).not.toContain(shortSecret);
    });

    it('given a secret of 16 multi-byte characters (32+ bytes), when parsing, then length is counted in bytes', () => {
      expect(parseAuthConfig({ ...BASE, AUTH_JWT_SECRET: 'é'.repeat(16) }).ok).toBe(true);
    });

    it.each([
      ['not a URL', 'not-a-url', 'is not a valid absolute URL'],
      [
        'plain http on a remote host',
        'http://idp.custody.test/jwks.json',
        'must use https (plain http is allowed only for 127.0.0.1 and localhost)',
      ],
      ['another scheme', 'ftp://idp.custody.test/jwks.json', 'must use https, not ftp'],
      [
        'credentials in the URL',
        'https://user:pass@idp.custody.test/jwks.json',
        'must not carry credentials',
      ],
    ])('given AUTH_JWKS_URL with %s, when parsing, then it is refused', (_case, url, reason) => {
      expect(problemsOf(parseAuthConfig({ ...BASE, AUTH_JWKS_URL: url }))).toEqual([
        { variable: 'AUTH_JWKS_URL', reason },
      ]);
    });
  });

  describe('given the maximum token lifetimes (issue 22)', () => {
    it('given neither variable, when parsing, then the named defaults apply (12 h staff, 24 h service)', () => {
      expect(
        configOf(parseAuthConfig({ ...BASE, AUTH_JWT_SECRET: SECRET })).tokenLifetimeMaxSeconds,
      ).toEqual({
        staff: STAFF_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT,
        service: SERVICE_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT,
      });
    });

    it('given both variables, when parsing, then they are the maximums', () => {
      const config = configOf(
        parseAuthConfig({
          ...BASE,
          AUTH_JWT_SECRET: SECRET,
          AUTH_STAFF_TOKEN_LIFETIME_MAX_SECONDS: '3600',
          AUTH_SERVICE_TOKEN_LIFETIME_MAX_SECONDS: '7200',
        }),
      );
      expect(config.tokenLifetimeMaxSeconds).toEqual({ staff: 3_600, service: 7_200 });
    });

    it.each(['0', '59', String(TOKEN_LIFETIME_SECONDS_MAX_HIGHEST + 1), '12h', '-1', '1e9'])(
      'given AUTH_STAFF_TOKEN_LIFETIME_MAX_SECONDS=%p, when parsing, then it is refused',
      (value) => {
        expect(
          problemsOf(
            parseAuthConfig({
              ...BASE,
              AUTH_JWT_SECRET: SECRET,
              AUTH_STAFF_TOKEN_LIFETIME_MAX_SECONDS: value,
            }),
          ),
        ).toEqual([
          {
            variable: 'AUTH_STAFF_TOKEN_LIFETIME_MAX_SECONDS',
            reason: `must be whole seconds from ${TOKEN_LIFETIME_SECONDS_MAX_LOWEST} to ${TOKEN_LIFETIME_SECONDS_MAX_HIGHEST}`,
          },
        ]);
      },
    );
  });
});
