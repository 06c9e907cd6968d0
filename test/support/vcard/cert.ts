// Test certificates for the virtual My Number card, made with node-forge at test time. The key comes from
// Node's crypto (fast); forge builds and signs the X.509 structure with the notAfter the test chooses.
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

let cachedKey: { privatePem: string; publicPem: string } | undefined;

function key() {
  if (!cachedKey) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    cachedKey = {
      privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  }
  return cachedKey;
}

export interface CertOptions {
  notAfter: Date;
  /** Default: notAfter minus 5 years (the JPKI 利用者証明用 certificate's usual life). */
  notBefore?: Date;
  serial?: string;
}

/** A self-signed certificate shaped like the JPKI 利用者証明用電子証明書 (which carries no personal data). */
export function makeAuthCertificate(opts: CertOptions): Buffer {
  const k = key();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(k.publicPem);
  cert.serialNumber = opts.serial ?? '0a1b2c3d';
  const notBefore = opts.notBefore ?? new Date(opts.notAfter.getTime() - 5 * 365 * 86_400_000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = opts.notAfter;
  const issuer = [
    { name: 'countryName', value: 'JP' },
    { shortName: 'O', value: 'JPKI' },
    { shortName: 'OU', value: 'JPKI for user authentication' },
    { shortName: 'OU', value: 'Japan Agency for Local Authority Information Systems' },
  ];
  cert.setIssuer(issuer);
  cert.setSubject([
    { name: 'countryName', value: 'JP' },
    { shortName: 'L', value: 'Test City' },
    { shortName: 'CN', value: 'TESTCARD' },
  ]);
  cert.setExtensions([{ name: 'keyUsage', digitalSignature: true }]);
  cert.sign(forge.pki.privateKeyFromPem(k.privatePem), forge.md.sha256.create());
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  return Buffer.from(der, 'binary');
}
