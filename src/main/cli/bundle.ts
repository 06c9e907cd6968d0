// Entry of the built CLI (dist/cli/shikaku.cjs, scripts/build.mjs): run as a program by the installed app's
// shikaku.cmd / shikaku scripts (Electron as Node) and `node dist/cli/shikaku.cjs`, or required for `main`
// by bin/shikaku.js and `<app> --cli`. CommonJS, so Electron loads it from inside app.asar.
import { main } from './main.ts';

export { main };

// Only the CommonJS bundle has `module`; imported as a source module (tsx, ESM) this is skipped.
if (typeof module !== 'undefined' && require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
