// Types of scripts/dist-check.mjs for the TypeScript tests that import it.
// electron-builder's configuration is loose JSON here (tests edit any field of it), hence `any`.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type BuilderConfig = Record<string, any>;
export const APP_ID: string;
export const EXECUTABLE: string;
export const OUR_DEB_DEPENDS: string[];
export const NOT_RUNTIME: string[];
export const MIN_ELECTRON_MAJOR: number;
export const SIGNING_SAMPLES: Record<string, Record<string, string>>;
export function electronBuilderDebDefaults(): string[];
export function projectProblems(config: BuilderConfig, projectDir?: string): string[];
export function packageProblems(pkg: Record<string, any>): string[];
export function loadConfig(path: string): Promise<BuilderConfig>;
export function checkConfig(path: string, packagePath?: string): Promise<{ config: BuilderConfig; problems: string[] }>;
