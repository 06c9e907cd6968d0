// 設定 → 機器の点検 and the first start: the device report (core/doctor.ts, the same as `shikaku doctor`), the
// terminal folder's 接続テスト (the same as `shikaku terminal probe --ask`), the 診断情報 zip (core/diagnostics.ts),
// the core's restart (also into and out of 訓練モード), and whether the first-start screen is due.
import { join } from 'node:path';
import { ContractError } from '../../contract.ts';
import { buildDiagnostics } from '../diagnostics.ts';
import { testTerminalFolder } from '../doctor.ts';
import { LOG_DIR_NAME } from '../../host/logging.ts';
import { clinicOf, storeOf, type CoreDeps, type Handlers } from './common.ts';
import { checkTerminalDir, terminalSettings } from './settings.ts';

export type DevicesRequest = 'devices.doctor' | 'terminal.test' | 'diagnostics.bundle' | 'app.restart' | 'setup.status';

/** The 接続テスト waits at most this long for the test request's answer (or the terminal timeout, if shorter). */
export const TEST_ANSWER_MAX_MS = 15_000;

export const devicesMessages = {
  unavailable: 'この画面からは点検できません（内部処理の構成を確認してください）。',
  restartUnavailable: 'この画面からは再起動できません。アプリを終了して、もう一度起動してください。',
  folderEmpty: '共有フォルダを入力してください。',
};

function doctorOf(deps: CoreDeps) {
  if (!deps.doctor) throw new ContractError('DOCTOR_UNAVAILABLE', devicesMessages.unavailable);
  return deps.doctor;
}

export function devicesHandlers(deps: CoreDeps): Handlers<DevicesRequest> {
  return {
    'devices.doctor': async (input) => {
      const { report, text } = await doctorOf(deps)({ card: input.card });
      return { report, text };
    },
    'terminal.test': async (input) => {
      const dir = input.dir.trim();
      const settings = terminalSettings({}, deps.journal.store);
      const problem = dir === '' ? devicesMessages.folderEmpty : checkTerminalDir(dir);
      const none = { exists: false, writable: false, readable: false };
      if (problem !== null) {
        return {
          dir,
          error: problem,
          ok: false,
          folders: { req: none, res: none, face: none },
          problem: null,
          answered: null,
          answerProblem: null,
          answerMs: null,
        };
      }
      const r = await testTerminalFolder(dir, {
        ask: input.ask,
        timeoutMs: Math.min(settings.timeoutMs, TEST_ANSWER_MAX_MS),
        ...(settings.institutionCode ? { medicalInstitutionCode: settings.institutionCode } : {}),
      });
      return { ...r, error: null };
    },
    'diagnostics.bundle': async () => {
      const d = await buildDiagnostics({
        info: deps.info,
        store: deps.journal.store,
        journalError: deps.journal.error
          ? { code: deps.journal.error.code, message: deps.journal.error.message }
          : null,
        health: deps.health.state(),
        doctor: () => doctorOf(deps)({ card: false }),
        logsDir: join(deps.info.dataDir, LOG_DIR_NAME),
        now: new Date(),
      });
      return { fileName: d.fileName, base64: d.bytes.toString('base64'), size: d.bytes.length, entries: d.entries };
    },
    'app.restart': (input) => {
      if (!deps.restart) throw new ContractError('RESTART_UNAVAILABLE', devicesMessages.restartUnavailable);
      deps.restart(input.demo);
      return { restarting: true, demo: input.demo ?? deps.info.demo };
    },
    'setup.status': () => {
      const store = storeOf(deps);
      const { institutionCode } = clinicOf(store);
      const staffCount = store.listStaff().length;
      const dir = store.getSetting('terminal.dir');
      return {
        needed: !deps.info.demo && institutionCode === '' && staffCount === 0,
        demo: deps.info.demo,
        institutionCode,
        staffCount,
        terminalDir: dir.ok && typeof dir.value === 'string' ? dir.value : '',
      };
    },
  };
}
