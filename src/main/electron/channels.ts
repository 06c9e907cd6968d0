// IPC channel names between the Electron main process and the preload. Nothing else crosses.
export const IPC = {
  /** renderer → main: (name, input) → CallResult */
  invoke: 'shikaku:invoke',
  /** renderer → main: () → current core.status payload */
  status: 'shikaku:status',
  /** main → renderer: EventMessage */
  event: 'shikaku:event',
} as const;
