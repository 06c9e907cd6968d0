// The shape every `shikaku` subcommand shares. Exit codes: 0 success, 1 invalid input, 2 usage error.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
}

export interface Command {
  /** Words that select it, e.g. ['claims', 'insurer']. */
  path: string[];
  usage: string;
  summary: string;
  options?: ParseArgsConfig['options'];
  allowPositionals?: boolean;
  run(
    args: { values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[] },
    io: CliIO,
  ): Promise<number>;
}

export class UsageError extends Error {}

export function parseCommandArgs(cmd: Command, argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...(cmd.options ?? {}) },
      allowPositionals: cmd.allowPositionals ?? false,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function printJson(io: CliIO, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
