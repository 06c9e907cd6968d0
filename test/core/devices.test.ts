// The core's composition of devices, health and journal, in simulated mode (demo/drill): the first health
// state is complete, an outage is recorded as an incident in the real store, on battery checkpoints the store.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthState } from '../../src/hardware/health/index.ts';
import type { SimulatedCardReader } from '../../src/hardware/pcsc/index.ts';
import type { SimulatedPowerPort } from '../../src/hardware/power/index.ts';
import { FileTerminalClient } from '../../src/hardware/terminal/index.ts';
import type { DrillFault, DrillPart } from '../../src/main/concepts.ts';
import { DEMO_READER, createDevices, openDevices, type Devices } from '../../src/main/core/devices.ts';
import { openJournal, storeIncidentSink, type Journal } from '../../src/main/core/journal.ts';

let devices: Devices | undefined;
let journal: Journal | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await devices?.close();
  journal?.store?.close();
  devices = undefined;
  journal = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'shikaku-devices-'));
  dirs.push(d);
  return d;
}

/** Resolves with the first health state that satisfies `pred` (now or on a later change). */
function healthWhere(d: Devices, pred: (s: HealthState) => boolean): Promise<HealthState> {
  const now = d.health.state();
  if (pred(now)) return Promise.resolve(now);
  return new Promise((resolve) => {
    const on = (s: HealthState) => {
      if (!pred(s)) return;
      d.health.off('change', on);
      resolve(s);
    };
    d.health.on('change', on);
  });
}

const fast = { debounce: { enterAfterFailures: 1, enterAfterMs: 0, exitAfterMs: 0 } };

describe('core devices (simulated set)', () => {
  it('starts with every device folded in: reader with its card, UPS on AC, the simulator`s share reachable', async () => {
    devices = await openDevices({ mode: 'simulated', dataDir: tempDir() });
    const s = devices.health.state();
    expect(s.mode).toBe('normal');
    expect(s.devices.reader.status).toBe('ok');
    expect(s.devices.power.status).toBe('ok');
    expect(s.devices.network.status).not.toBe('fault');
    expect(devices.simulator).not.toBeNull();
    expect((devices.cardReader as SimulatedCardReader).snapshot().readers[0]).toMatchObject({
      name: DEMO_READER,
      cardPresent: true,
    });
  });

  it('created, touches nothing until started (the core says ready first), then folds every device in', async () => {
    const dir = tempDir();
    devices = createDevices({ mode: 'simulated', dataDir: dir });
    expect(devices.simulator).toBeNull();
    expect(existsSync(join(dir, 'terminal-share'))).toBe(false);
    expect(devices.health.state().devices.reader.status).not.toBe('ok');
    await Promise.all([devices.start(), devices.start()]);
    expect(devices.simulator).not.toBeNull();
    expect(existsSync(join(dir, 'terminal-share'))).toBe(true);
    expect(devices.health.state().mode).toBe('normal');
  });

  it('a drill pulls the card and puts it back: the reader reports it and health says so', async () => {
    devices = await openDevices({ mode: 'simulated', dataDir: tempDir() });
    const reader = devices.cardReader as SimulatedCardReader;
    await devices.drill!.apply('card_removed');
    expect(reader.snapshot().readers[0]?.cardPresent).toBe(false);
    expect(devices.health.state().devices.reader.text).not.toContain('カードあり');
    await devices.drill!.apply('card_inserted');
    expect(reader.snapshot().readers[0]?.cardPresent).toBe(true);
    expect((await healthWhere(devices, (s) => s.devices.reader.text.includes('カードあり'))).mode).toBe('normal');
  });

  it('records an outage in the journal`s incidents (start and end) and checkpoints on battery', async () => {
    const dir = tempDir();
    journal = await openJournal(dir, 'test');
    const store = journal.store!;
    devices = await openDevices({ mode: 'simulated', dataDir: dir, incidents: storeIncidentSink(store), health: fast });
    const reader = devices.cardReader as SimulatedCardReader;

    reader.setService('unavailable');
    await healthWhere(devices, (s) => s.mode === 'outage');
    reader.setService('running');
    await healthWhere(devices, (s) => s.mode === 'normal');
    await devices.health.idle();
    const incidents = store.listIncidents();
    expect(incidents.ok).toBe(true);
    if (!incidents.ok) return;
    const outage = incidents.value.filter((i) => i.cause === 'pcsc_service_down');
    expect(outage).toHaveLength(1);
    expect(outage[0]!.endedAt).not.toBeNull();

    let checkpoints = 0;
    devices.battery.onBattery(() => {
      checkpoints++;
      store.checkpoint();
    });
    (devices.power as SimulatedPowerPort).mainsLost(80);
    const onBattery = await healthWhere(devices, (s) => s.devices.power.status !== 'ok');
    expect(onBattery.causes.map((c) => c.code)).toContain('power_on_battery');
    expect(onBattery.mode).toBe('degraded');
    await new Promise((r) => setImmediate(r));
    expect(checkpoints).toBe(1);
  });

  it('closes incidents a previous run left open when the journal is opened again', async () => {
    const dir = tempDir();
    const first = await openJournal(dir, 'test');
    const opened = first.store!.openIncident({
      kind: 'outage',
      cause: 'terminal_no_answer',
      startedAt: new Date().toISOString(),
      staff: 'system',
    });
    expect(opened.ok).toBe(true);
    first.store!.close();
    journal = await openJournal(dir, 'test');
    const list = journal.store!.listIncidents();
    expect(list.ok && list.value.every((i) => i.endedAt !== null)).toBe(true);
  });
});

describe('訓練モード drills (simulated set)', () => {
  const drills: [DrillPart, DrillFault, DrillFault][] = [
    ['reader', 'reader_lost', 'reader_back'],
    ['card', 'card_bad', 'card_good'],
    ['terminal', 'terminal_down', 'terminal_back'],
    ['network', 'network_down', 'network_back'],
    ['power', 'mains_lost', 'mains_back'],
  ];

  it.each(drills)('breaks and restores the %s: the health follows, broken() says which', async (part, down, up) => {
    devices = await openDevices({ mode: 'simulated', dataDir: tempDir(), health: fast });
    // As the core's terminal link does (link.ts): a client on the demo share, handed to the devices' probe.
    const client = new FileTerminalClient({ dir: devices.simulatorDir!, timeoutMs: 2_000 });
    await devices.setTerminal(client, devices.simulatorDir);
    const drill = devices.drill!;
    expect(drill.broken()).toEqual([]);
    // The terminal reads 'unknown' until it is first asked; every other part starts 'ok' (the card after a read).
    const before = part === 'card' ? 'ok' : devices.health.state().devices[part].status;
    await drill.apply(down);
    expect(drill.broken()).toEqual([part]);
    const broken = await healthWhere(devices, (s) => s.devices[part].status !== 'ok');
    expect(['fault', 'warning']).toContain(broken.devices[part].status);
    // Every part but the card (a per-reception finding) is a clinic cause: the mode leaves 通常.
    if (part === 'card') expect(broken.findings.map((f) => f.code)).toContain('card_chip_unreadable');
    else expect(broken.mode).not.toBe('normal');
    await drill.apply(up);
    expect(drill.broken()).toEqual([]);
    const back = await healthWhere(devices, (s) => s.devices[part].status === before && s.mode === 'normal');
    expect(back.causes).toEqual([]);
    await client.close();
  });
});
