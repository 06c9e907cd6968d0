// Files the app hands to staff, and folders they choose: in the installed app through the main process's dialogs
// (window.shikaku.saveFile / pickFolder, src/main/electron/save-file.ts); on the web host the file is downloaded
// by the browser and a folder is typed (no picker).
import { installBridge } from './bridge.ts';

export type SaveOutcome =
  | { kind: 'saved'; path: string }
  | { kind: 'downloaded'; name: string }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

function download(fileName: string, base64: string, doc: Document): void {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  doc.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Saves `base64` as `fileName`: a save dialog in the installed app, a download on the web host. */
export async function saveFile(fileName: string, base64: string, doc: Document = document): Promise<SaveOutcome> {
  const api = installBridge();
  if (!api.saveFile) {
    download(fileName, base64, doc);
    return { kind: 'downloaded', name: fileName };
  }
  const r = await api.saveFile(fileName, base64);
  if (r.saved) return { kind: 'saved', path: r.path };
  return r.error === null ? { kind: 'cancelled' } : { kind: 'failed', message: r.error };
}

/** The host can show a folder dialog (the installed app). */
export function canPickFolder(): boolean {
  return typeof installBridge().pickFolder === 'function';
}

/** The folder chosen in the host's dialog, or null (cancelled, or no dialog on this host). */
export async function pickFolder(start: string): Promise<string | null> {
  const api = installBridge();
  if (!api.pickFolder) return null;
  return (await api.pickFolder(start)).path;
}
