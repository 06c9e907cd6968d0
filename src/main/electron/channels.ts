// IPC channel names between the Electron main process and the preload. Nothing else crosses.
export const IPC = {
  /** renderer → main: (name, input) → CallResult */
  invoke: 'shikaku:invoke',
  /** renderer → main: () → current core.status payload */
  status: 'shikaku:status',
  /** main → renderer: EventMessage */
  event: 'shikaku:event',
  /** renderer → main: ('csv') → ChosenFile | null (an open-file dialog; the file read by the main process) */
  chooseFile: 'shikaku:choose-file',
  /** renderer → main: () → folder path | null (a choose-folder dialog) */
  chooseFolder: 'shikaku:choose-folder',
} as const;
