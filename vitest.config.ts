import { defineConfig } from 'vitest/config';

// Two projects: everything that can run in parallel, and the PC/SC rig, which owns the machine's one pcscd
// and so runs its files one after another.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        // Cores started by these tests use the simulated devices (the real adapters have their own rig tests)
        // and leave 事後確認 to the tests that drive it (SHIKAKU_RECONCILE=manual), so saved visits stay pending;
        // the daily 事前確認 likewise (SHIKAKU_PRECHECK=manual: its tests call the scheduler or the button).
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/pcsc-rig/**', 'test/e2e/**'],
          env: { SHIKAKU_DEVICES: 'simulated', SHIKAKU_RECONCILE: 'manual', SHIKAKU_PRECHECK: 'manual' },
        },
      },
      {
        extends: true,
        test: { name: 'pcsc', include: ['test/pcsc-rig/**/*.test.ts'], fileParallelism: false },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          env: { SHIKAKU_DEVICES: 'simulated', SHIKAKU_RECONCILE: 'manual', SHIKAKU_PRECHECK: 'manual' },
        },
      },
    ],
  },
});
