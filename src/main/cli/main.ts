// `shikaku`: the administrator's and help desk's command line. Each group of commands lives in its own module.
import { readFileSync } from 'node:fs';
import { EXIT_USAGE, UsageError, parseCommandArgs, type CliIO, type Command } from './command.ts';
import { claimsCommands } from './claims.ts';
import { doctorCommands } from './doctor.ts';
import { pcscCommands } from './pcsc.ts';
import { reconcileCommands } from './reconcile.ts';
import { storeCommands } from './store.ts';
import { terminalCommands } from './terminal.ts';

export const commands: Command[] = [
  ...claimsCommands,
  ...pcscCommands,
  ...terminalCommands,
  ...doctorCommands,
  ...storeCommands,
  ...reconcileCommands,
];

const defaultIO: CliIO = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
  readStdin: async () => readFileSync(0, 'utf8'),
};

function helpText(): string {
  const lines = ['使い方: shikaku <command> [options]', ''];
  for (const c of commands) lines.push(`  shikaku ${c.usage}`, `      ${c.summary}`);
  return lines.join('\n');
}

export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
  const match = commands
    .filter((c) => c.path.every((w, i) => argv[i] === w))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!match) {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.out(helpText());
      return argv.length === 0 ? EXIT_USAGE : 0;
    }
    io.err(`不明なコマンドです (unknown command): ${argv.join(' ')}\n\n${helpText()}`);
    return EXIT_USAGE;
  }
  try {
    const args = parseCommandArgs(match, argv.slice(match.path.length));
    if (args.values.help) {
      io.out(`使い方: shikaku ${match.usage}\n${match.summary}`);
      return 0;
    }
    return await match.run(args as Parameters<Command['run']>[0], io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`使い方の誤り (usage): ${e.message}\n使い方: shikaku ${match.usage}`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
