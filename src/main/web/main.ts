// `npm start` without Electron: serve the app on the loopback web host until Ctrl-C.
import { packageVersion, resolveLaunchOptions } from '../host/options.ts';
import { startWebApp } from './app.ts';

export async function runWebHost(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const launch = resolveLaunchOptions(argv, env, { version: packageVersion() });
  const portArg = argv.find((a) => a.startsWith('--port='));
  const app = await startWebApp({ launch, ...(portArg ? { port: Number(portArg.slice(7)) } : {}) });
  console.log(`shikaku-fallback: ${app.host.url}  (data: ${launch.dataDir}${launch.demo ? ', 訓練モード' : ''})`);
  console.log('Open the URL above in a browser on this PC. Ctrl-C stops the app.');

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    void app.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
