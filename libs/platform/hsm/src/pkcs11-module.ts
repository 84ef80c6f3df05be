import type * as Pkcs11 from 'pkcs11js';

/**
 * A PKCS#11 module is initialised once per process, however many users it has (the wallet's key
 * vault and the audit's checkpoint signer may share one process), and finalised with the last.
 */
const openModules = new Map<
  string,
  { module: Pkcs11.PKCS11; users: number; initialisedHere: boolean }
>();

export class Pkcs11Failure extends Error {
  constructor(
    readonly code:
      'HSM_TOKEN_NOT_FOUND' | 'HSM_LOGIN_FAILED' | 'HSM_KEY_NOT_FOUND' | 'HSM_OPERATION_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'Pkcs11Failure';
  }
}

let binding: typeof Pkcs11 | undefined;

/**
 * pkcs11js is an optional dependency: its native addon is built by node-gyp at `npm ci`, which
 * needs python3, make and g++. Without it everything but the HSM works (the runner uses the
 * development key vault); an HSM asked for then fails with this reason, not at start-up.
 */
function loadBinding(): typeof Pkcs11 {
  if (binding === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: an optional native addon
      binding = require('pkcs11js') as typeof Pkcs11;
    } catch (error) {
      throw new Pkcs11Failure(
        'HSM_OPERATION_FAILED',
        `the PKCS#11 binding (npm package pkcs11js, an optional dependency) is not installed or did not build: ${(error as Error).message.split('\n')[0]}; install python3, make and g++, then run npm ci again`,
      );
    }
  }
  return binding;
}

/** The pkcs11js module, loaded on first use (see loadBinding). */
export const pkcs11js: typeof Pkcs11 = new Proxy({} as typeof Pkcs11, {
  get: (_target, name) => (loadBinding() as unknown as Record<string | symbol, unknown>)[name],
});

export function acquireModule(modulePath: string): Pkcs11.PKCS11 {
  const open = openModules.get(modulePath);
  if (open !== undefined) {
    open.users += 1;
    return open.module;
  }
  let initialisedHere = true;
  const module = new pkcs11js.PKCS11();
  try {
    module.load(modulePath);
    module.C_Initialize();
  } catch (error) {
    if (!isPkcs11Error(error, 'CKR_CRYPTOKI_ALREADY_INITIALIZED')) {
      try {
        module.close();
      } catch {
        // not loaded: nothing to close
      }
      throw new Pkcs11Failure(
        'HSM_OPERATION_FAILED',
        `could not load the PKCS#11 module ${modulePath}: ${pkcs11Code(error)}`,
      );
    }
    initialisedHere = false; // another library in this process initialised it: it finalises it, not us
  }
  openModules.set(modulePath, { module, users: 1, initialisedHere });
  return module;
}

export function releaseModule(modulePath: string): void {
  const open = openModules.get(modulePath);
  if (open === undefined) return;
  open.users -= 1;
  if (open.users > 0) return;
  openModules.delete(modulePath);
  try {
    if (open.initialisedHere) open.module.C_Finalize();
  } finally {
    open.module.close();
  }
}

/** Opens a read-write session on the token with this label and logs the user in (the PIN is never echoed). */
export function openUserSession(
  module: Pkcs11.PKCS11,
  modulePath: string,
  tokenLabel: string,
  pin: string,
): Buffer {
  const slot = module
    .C_GetSlotList(true)
    .find((candidate) => module.C_GetTokenInfo(candidate).label.trim() === tokenLabel);
  if (slot === undefined)
    throw new Pkcs11Failure(
      'HSM_TOKEN_NOT_FOUND',
      `no token labelled '${tokenLabel}' in ${modulePath}`,
    );
  const session = module.C_OpenSession(slot, pkcs11js.CKF_RW_SESSION | pkcs11js.CKF_SERIAL_SESSION);
  try {
    module.C_Login(session, pkcs11js.CKU_USER, pin);
  } catch (error) {
    if (!isPkcs11Error(error, 'CKR_USER_ALREADY_LOGGED_IN')) {
      module.C_CloseSession(session);
      throw new Pkcs11Failure(
        'HSM_LOGIN_FAILED',
        `login to token '${tokenLabel}' failed: ${pkcs11Code(error)}`,
      );
    }
  }
  return session;
}

/** The CKR_ code of a PKCS#11 failure (nothing else: no PIN, no key material). */
export function pkcs11Code(error: unknown): string {
  return binding !== undefined && error instanceof binding.Pkcs11Error
    ? (error.message.split('\n')[0] ?? 'CKR_?')
    : 'not a PKCS#11 error';
}

export function isPkcs11Error(error: unknown, code: string): boolean {
  return (
    binding !== undefined && error instanceof binding.Pkcs11Error && error.message.startsWith(code)
  );
}
