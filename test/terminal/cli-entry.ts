// Runs one of the terminal CLI commands as its own process (as `shikaku` would), for the CLI tests.
import { parseCommandArgs, type CliIO } from '../../src/main/cli/command.ts';
import { terminalCommands } from '../../src/main/cli/terminal.ts';

const argv = process.argv.slice(2);
const cmd = terminalCommands
  .filter((c) => c.path.every((w, i) => argv[i] === w))
  .sort((a, b) => b.path.length - a.path.length)[0];
if (!cmd) {
  process.stderr.write(`unknown command: ${argv.join(' ')}\n`);
  process.exit(2);
}
const io: CliIO = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
  readStdin: async () => '',
};
const args = parseCommandArgs(cmd, argv.slice(cmd.path.length));
process.exitCode = await cmd.run(args as Parameters<typeof cmd.run>[0], io);
