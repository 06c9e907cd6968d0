// Windows code signing for `npm run dist`, read from the environment (the repository holds no certificate,
// password or account). One of:
//   Azure Trusted Signing  SHIKAKU_AZURE_SIGN_ENDPOINT, SHIKAKU_AZURE_SIGN_ACCOUNT, SHIKAKU_AZURE_SIGN_PROFILE,
//                          SHIKAKU_SIGN_PUBLISHER (the certificate's CN); the service credentials
//                          (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET) are read by the signing
//                          module itself
//   signtool, .pfx file    WIN_CSC_LINK or CSC_LINK (+ WIN_CSC_KEY_PASSWORD / CSC_KEY_PASSWORD), read by
//                          electron-builder itself
//   signtool, cert store   SHIKAKU_SIGN_CERT_SHA1 (an EV certificate on a token), or SHIKAKU_SIGN_CERT_SUBJECT
// When one is configured, forceCodeSigning is set: a build that cannot sign fails instead of shipping unsigned.
// win.signExts (.node) in electron-builder.yml makes the native modules signed along with the executables.

const AZURE = {
  endpoint: 'SHIKAKU_AZURE_SIGN_ENDPOINT',
  codeSigningAccountName: 'SHIKAKU_AZURE_SIGN_ACCOUNT',
  certificateProfileName: 'SHIKAKU_AZURE_SIGN_PROFILE',
  publisherName: 'SHIKAKU_SIGN_PUBLISHER',
};

const set = (env, name) => typeof env[name] === 'string' && env[name].trim() !== '';

/** Which signing the environment configures: { mode, win (options to merge into win), problems }. */
export function signingFromEnv(env) {
  const azureSet = Object.values(AZURE).filter((n) => set(env, n));
  if (azureSet.length > 0 && !(azureSet.length === 1 && azureSet[0] === AZURE.publisherName)) {
    const missing = Object.values(AZURE).filter((n) => !set(env, n));
    if (missing.length > 0)
      return { mode: 'azure', win: {}, problems: [`Azure Trusted Signing needs ${missing.join(', ')} as well`] };
    const azureSignOptions = Object.fromEntries(Object.entries(AZURE).map(([k, n]) => [k, env[n].trim()]));
    return { mode: 'azure', win: { azureSignOptions }, problems: [] };
  }
  if (set(env, 'WIN_CSC_LINK') || set(env, 'CSC_LINK')) {
    const publisherName = set(env, AZURE.publisherName) ? [env[AZURE.publisherName].trim()] : undefined;
    return { mode: 'signtool', win: { signtoolOptions: publisherName ? { publisherName } : {} }, problems: [] };
  }
  if (set(env, 'SHIKAKU_SIGN_CERT_SHA1') || set(env, 'SHIKAKU_SIGN_CERT_SUBJECT')) {
    const signtoolOptions = set(env, 'SHIKAKU_SIGN_CERT_SHA1')
      ? { certificateSha1: env.SHIKAKU_SIGN_CERT_SHA1.trim() }
      : { certificateSubjectName: env.SHIKAKU_SIGN_CERT_SUBJECT.trim() };
    return { mode: 'signtool', win: { signtoolOptions }, problems: [] };
  }
  return { mode: 'none', win: {}, problems: [] };
}

/** The electron-builder config with the environment's signing merged in (and forceCodeSigning when signing). */
export function withSigning(config, env) {
  const signing = signingFromEnv(env);
  if (signing.mode === 'none') return { config, signing };
  const win = { ...(config.win ?? {}) };
  if (signing.win.signtoolOptions)
    win.signtoolOptions = { ...(win.signtoolOptions ?? {}), ...signing.win.signtoolOptions };
  if (signing.win.azureSignOptions) {
    // Azure Trusted Signing replaces signtool's certificate options.
    win.azureSignOptions = signing.win.azureSignOptions;
    delete win.signtoolOptions;
  }
  return { config: { ...config, win, forceCodeSigning: true }, signing };
}
