// The clinic server's requests of the contract (docs/clinic-server.md), spread into `requests` in contract.ts: the
// same rules apply (zod input and output, the renderer imports types only).
import { z } from 'zod';

const empty = z.object({}).strict();

export const serverRequests = {
  /** Where clinic-wide lists come from: 「院内サーバーに接続中」 or 「このPCのデータのみ」, and why (code, message). */
  'server.status': {
    input: empty,
    output: z.object({
      mode: z.enum(['off', 'connected', 'local']),
      text: z.string(),
      pcName: z.string(),
      code: z.string().nullable(),
      message: z.string().nullable(),
      lastSyncAt: z.number().nullable(),
      /**
       * Who asks the terminal for this PC's 事後確認 (server/relay.ts): 'leader' this PC (for the clinic), 'relay'
       * another PC, 'alone' this PC for itself (no server, or it cannot be reached).
       */
      reconciler: z.enum(['alone', 'leader', 'relay']),
    }),
  },
  /** 「接続テスト」 with the settings as typed (and the password typed, else the stored one); changes nothing. */
  'server.test': {
    input: z
      .object({
        settings: z.object({
          enabled: z.boolean(),
          host: z.string().max(255),
          port: z.number().int(),
          database: z.string().max(63),
          user: z.string().max(63),
          tls: z.boolean(),
          tlsFingerprint: z.string().max(200).optional(),
          pcName: z.string().max(64),
        }),
        password: z.string().max(200).optional(),
      })
      .strict(),
    output: z.object({
      ok: z.boolean(),
      code: z.string().nullable(),
      message: z.string(),
      serverVersion: z.string().nullable(),
      schemaVersion: z.number().nullable(),
      /** With TLS: the SHA-256 fingerprint of the certificate the server showed (to trust it: 設定). */
      fingerprint: z.string().nullable(),
    }),
  },
  /** Stores the server password in the secret store (never the settings table); null removes it. Audited, valueless. */
  'server.password': {
    input: z.object({ password: z.string().min(1).max(200).nullable(), staff: z.string().max(64) }).strict(),
    output: z.object({ saved: z.boolean() }),
  },
};
