import * as pkcs11js from 'pkcs11js';

/**
 * A PKCS#11 module is initialised once per process, however many users it has (the wallet's key
 * vault and the audit's checkpoint signer may share one process), and finalised with the last.
 */
const openModules = new Map<string, { module: pkcs11js.PKCS11; users: number; initialisedHere: boolean }>();

export class Pkcs11Failure extends Error {
  constructor(
    readonly code: 'HSM_TOKEN_NOT_FOUND' | 'HSM_LOGIN_FAILED' | 'HSM_KEY_NOT_FOUND' | 'HSM_OPERATION_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'Pkcs11Failure';
  }
}

export function acquireModule(modulePath: string): pkcs11js.PKCS11 {
  const open = openModules.get(modulePath);
  if (open !== undefined) {
    open.users += 1;
    return open.module;
  }
  const module = new pkcs11js.PKCS11();
  let initialisedHere = true;
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
      throw new Pkcs11Failure('HSM_OPERATION_FAILED', `could not load the PKCS#11 module ${modulePath}: ${pkcs11Code(error)}`);
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
export function openUserSession(module: pkcs11js.PKCS11, modulePath: string, tokenLabel: string, pin: string): Buffer {
  const slot = module.C_GetSlotList(true).find((candidate) => module.C_GetTokenInfo(candidate).label.trim() === tokenLabel);
  if (slot === undefined) throw new Pkcs11Failure('HSM_TOKEN_NOT_FOUND', `no token labelled '${tokenLabel}' in ${modulePath}`);
  const session = module.C_OpenSession(slot, pkcs11js.CKF_RW_SESSION | pkcs11js.CKF_SERIAL_SESSION);
  try {
    module.C_Login(session, pkcs11js.CKU_USER, pin);
  } catch (error) {
    if (!isPkcs11Error(error, 'CKR_USER_ALREADY_LOGGED_IN')) {
      module.C_CloseSession(session);
      throw new Pkcs11Failure('HSM_LOGIN_FAILED', `login to token '${tokenLabel}' failed: ${pkcs11Code(error)}`);
    }
  }
  return session;
}

/** The CKR_ code of a PKCS#11 failure (nothing else: no PIN, no key material). */
export function pkcs11Code(error: unknown): string {
  return error instanceof pkcs11js.Pkcs11Error ? (error.message.split('\n')[0] ?? 'CKR_?') : 'not a PKCS#11 error';
}

export function isPkcs11Error(error: unknown, code: string): boolean {
  return error instanceof pkcs11js.Pkcs11Error && error.message.startsWith(code);
}
