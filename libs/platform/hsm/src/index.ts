export { HSM_KEY_LABEL_PATTERN, HsmEd25519Signer, type HsmKeyOptions } from './ed25519-signer';
export {
  acquireModule,
  isPkcs11Error,
  openUserSession,
  Pkcs11Failure,
  pkcs11Code,
  pkcs11js,
  releaseModule,
} from './pkcs11-module';
