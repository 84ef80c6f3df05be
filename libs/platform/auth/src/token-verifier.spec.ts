import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { parseAuthConfig, type AuthConfig } from './auth-config';
import { AuthErrorCode, TokenExpiredError, TokenInvalidError, type TokenProblem } from './errors';
import {
  CLOCK_TOLERANCE_SECONDS,
  ROLES_CLAIM_ENTRIES_MAX,
  SERVICE_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT,
  STAFF_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT,
  TOKEN_LENGTH_MAX,
} from './limits';
import { signTestToken, type TestTokenClaims } from './testing';
import { TokenVerifier } from './token-verifier';

const SECRET = 'unit-test-secret-that-is-32-bytes-long!!';
const OTHER_SECRET = 'another-secret-that-is-also-32-bytes-long';
const ISSUER = 'https://issuer.custody.test';
const AUDIENCE = 'custody-ledger';
const NOW = new Date('2030-01-01T00:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;

function secretConfig(): AuthConfig {
  const result = parseAuthConfig({
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_JWT_SECRET: SECRET,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const verifier = new TokenVerifier(secretConfig(), { clock: () => NOW });

function tokenWith(overrides: Partial<TestTokenClaims> = {}): Promise<string> {
  return signTestToken({
    secret: SECRET,
    issuer: ISSUER,
    audience: AUDIENCE,
    subject: 'user-1',
    roles: ['operator'],
    issuedAt: NOW,
    ...overrides,
  });
}

/** A token signed with the right secret whose claims the test writes by hand. */
function handmadeToken(claims: Record<string, unknown>, algorithm = 'HS256'): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: algorithm })
    .sign(new TextEncoder().encode(SECRET));
}

const validClaims = {
  iss: ISSUER,
  aud: AUDIENCE,
  sub: 'user-1',
  iat: NOW_SECONDS,
  exp: NOW_SECONDS + 600,
  roles: ['operator'],
};

async function expectInvalid(token: string, problem: TokenProblem): Promise<void> {
  const attempt = verifier.verify(token);
  await expect(attempt).rejects.toBeInstanceOf(TokenInvalidError);
  await expect(attempt).rejects.toMatchObject({ code: AuthErrorCode.tokenInvalid, problem });
}

describe('TokenVerifier with a shared secret (HS256)', () => {
  describe('given a valid token', () => {
    it('when verified, then the caller has the sub as id and the roles of the roles claim', async () => {
      const caller = await verifier.verify(
        await tokenWith({ subject: 'approver-7', roles: ['approver', 'auditor'] }),
      );
      expect(caller).toEqual({ id: 'approver-7', roles: ['approver', 'auditor'] });
    });

    it('given unknown and duplicate role strings, when verified, then only known roles remain, once each', async () => {
      const caller = await verifier.verify(
        await tokenWith({ roles: ['superuser', 'approver', 'ADMIN', 'approver', 'root'] }),
      );
      expect(caller.roles).toEqual(['approver']);
    });

    it('given no roles claim, when verified, then the caller is authenticated with no roles', async () => {
      const { roles: _roles, ...withoutRoles } = validClaims;
      expect(await verifier.verify(await handmadeToken(withoutRoles))).toEqual({
        id: 'user-1',
        roles: [],
      });
    });

    it('given a token expired less than the clock tolerance ago, when verified, then it is still accepted', async () => {
      const issuedAt = new Date(NOW.getTime() - 3_600_000);
      const token = await tokenWith({
        issuedAt,
        expiresInSeconds: 3_600 - (CLOCK_TOLERANCE_SECONDS - 1),
      });
      await expect(verifier.verify(token)).resolves.toMatchObject({ id: 'user-1' });
    });
  });

  describe('given a token for someone else', () => {
    it('given the wrong issuer, when verified, then it is invalid (issuer-mismatch)', async () => {
      await expectInvalid(await tokenWith({ issuer: 'https://evil.test' }), 'issuer-mismatch');
    });

    it('given the wrong audience, when verified, then it is invalid (audience-mismatch)', async () => {
      await expectInvalid(await tokenWith({ audience: 'another-service' }), 'audience-mismatch');
    });
  });

  describe('given an expired token', () => {
    it('given exp beyond the clock tolerance, when verified, then it is expired with the expiry time', async () => {
      const issuedAt = new Date(NOW.getTime() - 3_600_000);
      const token = await tokenWith({
        issuedAt,
        expiresInSeconds: 3_600 - (CLOCK_TOLERANCE_SECONDS + 1),
      });
      const attempt = verifier.verify(token);
      await expect(attempt).rejects.toBeInstanceOf(TokenExpiredError);
      await expect(attempt).rejects.toMatchObject({
        code: AuthErrorCode.tokenExpired,
        expiredAt: new Date(NOW.getTime() - (CLOCK_TOLERANCE_SECONDS + 1) * 1000),
      });
    });

    it('given no exp claim, when verified, then it is invalid (expiry-missing): tokens must expire', async () => {
      const { exp: _exp, ...withoutExpiry } = validClaims;
      await expectInvalid(await handmadeToken(withoutExpiry), 'expiry-missing');
    });

    it('given nbf in the future beyond the tolerance, when verified, then it is invalid (not-yet-valid)', async () => {
      await expectInvalid(
        await handmadeToken({ ...validClaims, nbf: NOW_SECONDS + CLOCK_TOLERANCE_SECONDS + 60 }),
        'not-yet-valid',
      );
    });
  });

  describe('given a forged or malformed token', () => {
    it('given a signature made with another secret, when verified, then it is invalid (signature-mismatch)', async () => {
      await expectInvalid(await tokenWith({ secret: OTHER_SECRET }), 'signature-mismatch');
    });

    it('given a valid token whose payload is edited to claim admin, when verified, then it is invalid (signature-mismatch)', async () => {
      const [header, payload, signature] = (await tokenWith()).split('.') as [
        string,
        string,
        string,
      ];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      const tampered = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString(
        'base64url',
      );
      await expectInvalid(`${header}.${tampered}.${signature}`, 'signature-mismatch');
    });

    it("given alg 'none' (unsecured JWT), when verified, then the algorithm is refused", async () => {
      const unsecured = new UnsecuredJWT(validClaims).encode();
      await expectInvalid(unsecured, 'algorithm-refused');
    });

    it('given HS512 with the right secret, when verified, then the algorithm is refused (HS256 only)', async () => {
      await expectInvalid(await handmadeToken(validClaims, 'HS512'), 'algorithm-refused');
    });

    it('given an RS256 token, when verified against a shared secret, then the algorithm is refused', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const token = await new SignJWT(validClaims)
        .setProtectedHeader({ alg: 'RS256' })
        .sign(privateKey);
      await expectInvalid(token, 'algorithm-refused');
    });

    it.each(['garbage', 'a.b.c', ''])(
      'given the text %p, when verified, then it is invalid (malformed)',
      async (text) => {
        await expectInvalid(text, 'malformed');
      },
    );

    it('given a token longer than the limit, when verified, then it is refused before parsing (too-long)', async () => {
      await expectInvalid('a'.repeat(TOKEN_LENGTH_MAX + 1), 'too-long');
    });
  });

  describe('given a token with bad claims', () => {
    it('given no sub claim, when verified, then it is invalid (subject-missing)', async () => {
      const { sub: _sub, ...withoutSubject } = validClaims;
      await expectInvalid(await handmadeToken(withoutSubject), 'subject-missing');
    });

    it('given an empty sub claim, when verified, then it is invalid (subject-missing)', async () => {
      await expectInvalid(await handmadeToken({ ...validClaims, sub: '' }), 'subject-missing');
    });

    it('given a roles claim that is a string, not an array, when verified, then it is invalid (roles-claim-invalid)', async () => {
      await expectInvalid(
        await handmadeToken({ ...validClaims, roles: 'approver' }),
        'roles-claim-invalid',
      );
    });

    it('given more roles entries than the limit, when verified, then it is invalid (roles-claim-invalid)', async () => {
      const roles = Array.from({ length: ROLES_CLAIM_ENTRIES_MAX + 1 }, () => 'approver');
      await expectInvalid(await handmadeToken({ ...validClaims, roles }), 'roles-claim-invalid');
    });
  });

  describe('given a token that lives longer than the maximum lifetime (issue 22: a token valid for 100 years was accepted)', () => {
    const HUNDRED_YEARS_SECONDS = 100 * 365 * 86_400;

    it('given a staff token valid for 100 years, when verified, then it is invalid (lifetime-too-long)', async () => {
      await expectInvalid(
        await tokenWith({ roles: ['admin'], expiresInSeconds: HUNDRED_YEARS_SECONDS }),
        'lifetime-too-long',
      );
    });

    it('given a staff token one second longer than the staff maximum, when verified, then it is invalid; exactly the maximum is accepted', async () => {
      await expectInvalid(
        await tokenWith({ expiresInSeconds: STAFF_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT + 1 }),
        'lifetime-too-long',
      );
      await expect(
        verifier.verify(
          await tokenWith({ expiresInSeconds: STAFF_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT }),
        ),
      ).resolves.toMatchObject({ id: 'user-1' });
    });

    it('given a custody-service token longer than the staff maximum but within the service maximum, when verified, then it is accepted', async () => {
      const token = await tokenWith({
        subject: 'wallet-service',
        roles: ['custody-service'],
        expiresInSeconds: SERVICE_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT,
      });
      await expect(verifier.verify(token)).resolves.toEqual({
        id: 'wallet-service',
        roles: ['custody-service'],
      });
      await expectInvalid(
        await tokenWith({
          roles: ['custody-service'],
          expiresInSeconds: SERVICE_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT + 1,
        }),
        'lifetime-too-long',
      );
    });

    it('given a token that carries custody-service and a staff role, when longer than the staff maximum, then the staff maximum applies', async () => {
      await expectInvalid(
        await tokenWith({
          roles: ['custody-service', 'admin'],
          expiresInSeconds: STAFF_TOKEN_LIFETIME_SECONDS_MAX_DEFAULT + 1,
        }),
        'lifetime-too-long',
      );
    });

    it('given a configured maximum shorter than the default (AUTH_STAFF_TOKEN_LIFETIME_MAX_SECONDS), when a longer token is verified, then it is invalid', async () => {
      const result = parseAuthConfig({
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        AUTH_JWT_SECRET: SECRET,
        AUTH_STAFF_TOKEN_LIFETIME_MAX_SECONDS: '900',
      });
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      const strict = new TokenVerifier(result.config, { clock: () => NOW });
      await expect(
        strict.verify(await tokenWith({ expiresInSeconds: 900 })),
      ).resolves.toMatchObject({ id: 'user-1' });
      await expect(strict.verify(await tokenWith({ expiresInSeconds: 901 }))).rejects.toMatchObject(
        { problem: 'lifetime-too-long' },
      );
    });

    it('given no iat claim, when verified, then it is invalid (issued-at-missing): its lifetime cannot be known', async () => {
      const { iat: _iat, ...withoutIssuedAt } = validClaims;
      await expectInvalid(await handmadeToken(withoutIssuedAt), 'issued-at-missing');
    });

    it('given no exp claim, when verified, then it is invalid (expiry-missing)', async () => {
      const { exp: _exp, ...withoutExpiry } = validClaims;
      await expectInvalid(await handmadeToken(withoutExpiry), 'expiry-missing');
    });

    it('given iat a century ahead and exp an hour after it (exp - iat within the maximum), when verified, then it is invalid (issued-in-the-future): the cap is not bypassed', async () => {
      const iat = NOW_SECONDS + HUNDRED_YEARS_SECONDS - 3_600;
      await expectInvalid(
        await handmadeToken({ ...validClaims, iat, exp: NOW_SECONDS + HUNDRED_YEARS_SECONDS }),
        'issued-in-the-future',
      );
      await expectInvalid(
        await handmadeToken({
          ...validClaims,
          roles: ['custody-service'],
          iat,
          exp: NOW_SECONDS + HUNDRED_YEARS_SECONDS,
        }),
        'issued-in-the-future',
      );
    });

    it('given iat later than now by more than the clock tolerance, when verified, then it is invalid (issued-in-the-future); within the tolerance it is accepted', async () => {
      await expectInvalid(
        await handmadeToken({
          ...validClaims,
          iat: NOW_SECONDS + CLOCK_TOLERANCE_SECONDS + 1,
          exp: NOW_SECONDS + 600,
        }),
        'issued-in-the-future',
      );
      await expect(
        verifier.verify(
          await handmadeToken({
            ...validClaims,
            iat: NOW_SECONDS + CLOCK_TOLERANCE_SECONDS,
            exp: NOW_SECONDS + 600,
          }),
        ),
      ).resolves.toMatchObject({ id: 'user-1' });
    });
  });
});
