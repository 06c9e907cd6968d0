// Types of scripts/signing.mjs for the TypeScript tests that import it.
// electron-builder's configuration is loose JSON here (tests edit any field of it), hence `any`.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface Signing {
  mode: 'none' | 'signtool' | 'azure';
  win: Record<string, unknown>;
  problems: string[];
}
export function signingFromEnv(env: NodeJS.ProcessEnv): Signing;
export function withSigning(
  config: Record<string, any>,
  env: NodeJS.ProcessEnv,
): { config: Record<string, any>; signing: Signing };
