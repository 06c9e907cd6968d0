// The virtual My Number Card as a separate, signal-able process:
//   node --import tsx test/support/vcard/main.ts --not-after 2027-01-01 [--fault mute|pull:<offset>|sw:<step>:<hex>|short:<offset>] [--port 35963]
// SIGUSR1 pulls the card out, SIGUSR2 puts it back, SIGTERM/SIGINT remove it and exit.
// Prints one line per event on stdout: "inserted", "removed".
import { parseArgs } from 'node:util';
import { VirtualMyNumberCard, type CardFault } from './card.ts';
import { makeAuthCertificate } from './cert.ts';
import { VPCD_PORT, VpcdCardLink } from './vpcd.ts';

export function parseFault(s: string | undefined): CardFault {
  if (!s || s === 'none') return { kind: 'none' };
  if (s === 'mute') return { kind: 'mute' };
  const [kind, a, b] = s.split(':');
  if (kind === 'pull') return { kind: 'pull', atOffset: Number(a ?? 4) };
  if (kind === 'short') return { kind: 'short', atOffset: Number(a ?? 4) };
  if (kind === 'sw' && (a === 'select_ap' || a === 'select_ef' || a === 'read'))
    return { kind: 'status', step: a, sw: parseInt(b ?? '6A82', 16) };
  throw new Error(`unknown fault: ${s}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'not-after': { type: 'string' },
      fault: { type: 'string' },
      port: { type: 'string' },
    },
  });
  const notAfter = new Date(values['not-after'] ?? '2030-01-01T00:00:00Z');
  if (Number.isNaN(notAfter.getTime())) throw new Error('--not-after: not a date');
  const card = new VirtualMyNumberCard({
    certificate: makeAuthCertificate({ notAfter }),
    fault: parseFault(values.fault),
  });
  const link = new VpcdCardLink(card, values.port ? Number(values.port) : VPCD_PORT);
  const say = (s: string) => process.stdout.write(s + '\n');
  // Stay alive while the card is out.
  setInterval(() => {}, 1 << 30);
  await link.insert();
  say('inserted');
  process.on('SIGUSR1', () => void link.remove().then(() => say('removed')));
  process.on('SIGUSR2', () => void link.insert().then(() => say('inserted')));
  const quit = () => void link.remove().then(() => process.exit(0));
  process.on('SIGTERM', quit);
  process.on('SIGINT', quit);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    process.stderr.write(`vcard: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
