// IPC channel names between the Electron main process and the preload. Nothing else crosses.
export const IPC = {
  /** renderer → main: (name, input) → CallResult */
  invoke: 'shikaku:invoke',
  /** renderer → main: () → current core.status payload */
  status: 'shikaku:status',
  /** main → renderer: EventMessage */
  event: 'shikaku:event',
  /** renderer → main: (fileName, base64) → SaveFileResult, through a save dialog (save-file.ts) */
  saveFile: 'shikaku:save-file',
  /** renderer → main: (start folder) → PickFolderResult, through a folder dialog (save-file.ts) */
  pickFolder: 'shikaku:pick-folder',
  /** renderer → main: ('csv') → ChosenFile | null (an open-file dialog; the file read by the main process) */
  chooseFile: 'shikaku:choose-file',
} as const;
