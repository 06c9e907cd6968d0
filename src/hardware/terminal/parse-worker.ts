// The parse worker (a worker_threads thread started by parse-pool.ts): parses answer files off the core's event
// loop. Pure: no file access, no state between jobs. Says 'ready' once loaded.
import { parentPort } from 'node:worker_threads';
import { runParseJob, type ParseRequest } from './parse-job.ts';

const port = parentPort;
if (!port) throw new Error('parse-worker.ts runs as a worker thread');
port.on('message', (req: ParseRequest) => port.postMessage(runParseJob(req)));
port.postMessage('ready');
